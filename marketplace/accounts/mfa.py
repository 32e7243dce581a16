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
