from django.conf import settings


def service(request):
    """Values every page template needs: the service name and the navigation for this user."""
    from marketplace.accounts.selectors import navigation_for

    return {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "service_navigation": navigation_for(request),
    }
