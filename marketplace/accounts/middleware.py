from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .mfa import has_totp, mfa_required

# Paths a user without two-factor set up may still reach: setting it up, signing out, assets.
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/media/",
    "/healthz",
    "/readyz",
)


class RequireTwoFactorMiddleware:
    """Send buyers, commissioners and staff to set up an authenticator app before anything else.

    allauth then asks for a code at every sign-in once an authenticator exists.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and mfa_required(user)
            and not has_totp(user)
        ):
            messages.info(
                request,
                "Your account can spend or approve public money, so you must set up two-factor "
                "authentication before you continue.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
