"""GOV.UK wording for allauth: every message says what went wrong and how to fix it."""

import time
from datetime import timedelta

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ValidationError
from django.utils import timezone

# Django's password validator codes, reworded so the person knows what to type instead.
PASSWORD_MESSAGES = {
    "password_too_short": (
        "Your password must be at least 10 characters long. Try 3 random words, like "
        "'kettle marble orchard'."
    ),
    "password_too_common": (
        "This password is too easy to guess because lots of people use it. Try 3 random "
        "words, like 'kettle marble orchard'."
    ),
    "password_entirely_numeric": (
        "Your password cannot be made of numbers only. Add some letters, or use 3 random words."
    ),
    "password_too_similar": (
        "Your password is too similar to your name or email address. Choose something "
        "unrelated to them."
    ),
}


class AccountAdapter(DefaultAccountAdapter):
    """GOV.UK wording for allauth's messages."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "The email address or password is not right. Check them and try again, or reset "
            "your password."
        ),
        "too_many_login_attempts": (
            "You have tried to sign in too many times. Your account is locked for 15 minutes. "
            "Wait and try again, or reset your password."
        ),
        "account_inactive": "This account has been switched off. Contact the service team.",
        "unknown_email": (
            "There is no account with that email address. Check it or create an account."
        ),
        "email_taken": (
            "An account already uses this email address. Sign in, or reset your password if "
            "you have forgotten it."
        ),
        # allauth uses this key when the current password typed is wrong.
        "enter_current_password": (
            "Your current password is not right. Check it and try again, or sign out and reset "
            "your password."
        ),
        "incorrect_password": (
            "Your current password is not right. Check it and try again, or sign out and reset "
            "your password."
        ),
        "invalid_or_expired_key": (
            "This link has expired or has already been used. Request a new one."
        ),
        "invalid_password_reset": (
            "This password reset link has expired or has already been used. Request a new link."
        ),
        "rate_limited": "You have made too many requests. Wait a few minutes and try again.",
        "unverified_primary_email": (
            "You need to confirm your email address first. Use the link in the email we sent you."
        ),
        "same_as_current": "The new value must be different from the one you have now.",
    }

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed sign-ins per account *and* client address.

        allauth keys the ``login_failed`` "key" rate on the email alone, so anyone who knows an
        email address could lock its owner out by typing wrong passwords from anywhere. With the
        address added, failures lock that account only for the address they came from; the
        separate per-address rate still stops one address trying many accounts. The address is
        the client's as allauth sees it (``ALLAUTH_TRUSTED_PROXY_COUNT`` behind a proxy).
        """
        account_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account_key}:{self.get_client_ip(request)}"

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        """One success banner after confirming an email address, not two.

        With ``ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION`` allauth says "Your email address ... is
        confirmed" and then, signing the person in within the same request, "You are signed
        in as ...". The dashboard they land on already says who is signed in, so the second
        banner is dropped.
        """
        if message_template == "account/messages/email_confirmed.txt":
            request._email_confirmed_message_added = True
        elif message_template == "account/messages/logged_in.txt" and getattr(
            request, "_email_confirmed_message_added", False
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def format_email_subject(self, subject: str) -> str:
        """Plain subjects, without allauth's "[example.com]" site prefix."""
        return " ".join(str(subject).split())

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Let someone who has just signed in set up their first authenticator straight away.

        allauth asks for the password again before any two-factor change. Buyers are sent to set
        up two-factor authentication the moment they sign in, so asking for the password they
        typed seconds ago helps nobody; nor does it straight after, when allauth shows the new
        recovery codes. Later changes (turning it off, new recovery codes) need the usual
        re-authentication.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if not required or app != "allauth.mfa" or request is None:
            return required
        from allauth.mfa.models import Authenticator

        user = request.user
        timeout = account_settings.REAUTHENTICATION_TIMEOUT
        if not user.is_authenticated:
            return required
        setting_up = not Authenticator.objects.filter(
            user=user, created_at__lt=timezone.now() - timedelta(seconds=timeout)
        ).exists()
        recently_signed_in = any(
            time.time() - r.get("at", 0) < timeout
            for r in get_authentication_records(request, user)
        )
        return not (setting_up and recently_signed_in)

    def clean_password(self, password, user=None):
        """Run Django's validators, then reword their messages into GOV.UK style."""
        try:
            return super().clean_password(password, user=user)
        except ValidationError as error:
            raise ValidationError(
                [
                    ValidationError(PASSWORD_MESSAGES.get(e.code, e.messages[0]), code=e.code)
                    for e in error.error_list
                ]
            ) from None


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "The code is not right or has expired. Enter the 6-digit code your authenticator "
            "app shows now, or one of your recovery codes."
        ),
        "cannot_delete_authenticator": (
            "You cannot turn off two-factor authentication while your account can spend or "
            "approve public money."
        ),
    }
