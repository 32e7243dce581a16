from allauth.account.adapter import DefaultAccountAdapter


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
        "unknown_email": "There is no account with that email address. Check it or create an account.",
    }
