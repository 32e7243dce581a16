from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.shortcuts import redirect
from django.urls import reverse

from .mfa import has_totp, mfa_required, record_totp_activation, session_passed_mfa

# Paths that never need a signed-in person: assets and the health probes.
_ALWAYS_ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz", "/readyz")
# Paths a user without two-factor set up may still reach: setting it up, signing out, assets.
_SETUP_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    *_ALWAYS_ALLOWED_PREFIXES,
)

SIGN_IN_AGAIN = (
    "Your account can spend or approve public money, so you must sign in with your password "
    "and a code from your authenticator app. Sign in again to continue."
)
SET_UP_TWO_FACTOR = (
    "Your account can spend or approve public money, so you must set up two-factor "
    "authentication before you continue."
)


class RequireTwoFactorMiddleware:
    """Buyers, commissioners and staff may only use a session that passed the second factor.

    - No authenticator yet: sent to set one up, and nowhere else, until they have.
    - An authenticator, but this session did not pass it (signed in through some other door,
      or an old session from before it was set up): signed out and sent to the sign-in page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_ALWAYS_ALLOWED_PREFIXES)
            or not mfa_required(user)
            or session_passed_mfa(request, user)
        ):
            return self.get_response(request)

        if has_totp(user):
            logout(request)
            messages.warning(request, SIGN_IN_AGAIN)
            login_url = reverse("account_login")
            if request.path == login_url:
                return redirect(request.get_full_path())
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()}, safe="/")
            return redirect(f"{login_url}?{query}")

        if not request.path.startswith(_SETUP_ALLOWED_PREFIXES):
            messages.info(request, SET_UP_TWO_FACTOR)
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")

        response = self.get_response(request)
        if request.method == "POST" and request.user.is_authenticated and has_totp(user):
            record_totp_activation(request, user)
        return response
