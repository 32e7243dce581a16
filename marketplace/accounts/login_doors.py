"""One way in: every other sign-in page sends people to allauth's, keeping where they were going.

Wagtail's admin login (``/cms/login/``), Wagtail's page-privacy login (``/_util/login/``) and
the Django admin login (``/django-admin/login/``) each sign a person in with a password alone,
skipping two-factor authentication, lockout and email verification. Their URLs are answered
here first, so those views are never reached. Signing out of the CMS or Django admin goes
through allauth's sign-out as well.
"""

from urllib.parse import urlencode

from allauth.account.views import LogoutView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "HEAD", "POST"])
def login_door(request):
    """Send the person to the sign-in page, with a safe ``next`` kept. Never signs anyone in."""
    login_url = reverse("account_login")
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        login_url = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url}, safe='/')}"
    return HttpResponseRedirect(login_url)


# Listed before the Wagtail and Django admin URLs in marketplace/urls.py so these win.
urlpatterns = [
    path("cms/login/", login_door, name="cms_login_door"),
    path("cms/logout/", LogoutView.as_view(), name="cms_logout"),
    path("_util/login/", login_door, name="wagtail_frontend_login_door"),
    path("django-admin/login/", login_door, name="django_admin_login_door"),
    path("django-admin/logout/", LogoutView.as_view(), name="django_admin_logout"),
]
