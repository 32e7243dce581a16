from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings

from .selectors import user_roles


def mfa_required(user) -> bool:
    """Buyers, commissioners and platform admins must use two-factor authentication."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user_roles(user=user) & set(settings.MFA_REQUIRED_ROLES))


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request, user) -> bool:
    """Whether *this session* proved the second factor, not merely whether the user has one.

    allauth keeps a log of the authentication steps taken in the session ("password", "mfa",
    ...) and ties it to the user. Only allauth's own sign-in (or re-authentication) with a code
    writes an "mfa" record, so a session opened any other way (another login page,
    ``force_login``, a stolen password alone) has none.
    """
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def record_totp_activation(request, user) -> None:
    """Count setting up an authenticator as passing the second factor for this session.

    Activation only succeeds with a correct code from the new authenticator, which is the same
    proof a sign-in asks for; without this, people would be signed out straight after setting
    it up.
    """
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type, activated=True)
