from django.conf import settings
from django.urls import reverse

from .registry import NavItem, contributions


def navigation_for(request) -> list[dict]:
    """The header's links: every registered ``NavItem`` this visitor may see, in order, with
    the current section marked as active."""
    items = []
    for item in contributions(NavItem):
        if item.visible is not None and not item.visible(request):
            continue
        href = item.href or reverse(item.url_name)
        prefix = item.active_prefix or href
        items.append({"text": item.label, "href": href, "active": request.path.startswith(prefix)})
    return items


def service(request):
    """Values every page template needs: the service name and the navigation for this user."""
    return {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "service_navigation": navigation_for(request),
    }
