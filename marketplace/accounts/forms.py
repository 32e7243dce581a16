"""Forms for signing in and managing an account, and for inviting colleagues.

allauth's forms are subclassed only to use GOV.UK labels and error messages; the markup comes
from ``marketplace.core.forms.GovUKFormRenderer``.
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.core.validators import MaxLengthValidator

from marketplace.core.forms import GovUKForm

from .models import Role

_PASSWORD_MISMATCH = "The passwords do not match. Enter the same password in both boxes."  # noqa: S105


def _govuk_fields(form, spec: dict[str, tuple[str, str]]) -> None:
    """Set label and "required" message; drop allauth's placeholders (GOV.UK uses labels)."""
    for name, field in form.fields.items():
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs.pop("autofocus", None)
        if name in spec:
            label, required = spec[name]
            field.label = label
            field.error_messages["required"] = required


def _reword_mismatch(form, field_name: str = "password2") -> None:
    errors = form.errors.get(field_name)
    if errors and any("same password" in str(e) for e in errors):
        form.errors[field_name] = form.error_class(
            [_PASSWORD_MISMATCH if "same password" in str(e) else e for e in errors]
        )


class SignupForm(account_forms.SignupForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="The name colleagues know you by",
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 150 characters or fewer",
        },
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            {
                "email": ("Email address", "Enter your email address"),
                "password1": ("Create a password", "Enter a password"),
                "password2": ("Confirm your password", "Enter your password again"),
            },
        )
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.fields["email"].help_text = "Use your work email address"
        self.fields[
            "password1"
        ].help_text = "At least 10 characters. 3 random words is a good way to make it memorable."

    def clean(self):
        cleaned = super().clean()
        _reword_mismatch(self)
        return cleaned

    def save(self, request):
        user = super().save(request)
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        return user


class LoginForm(account_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            {
                "login": ("Email address", "Enter your email address"),
                "password": ("Password", "Enter your password"),
            },
        )
        self.fields["login"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        # allauth adds a "Forgot your password?" link as help text; the page shows it instead.
        self.fields["password"].help_text = ""


class AddEmailForm(account_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(self, {"email": ("Email address", "Enter the email address to add")})
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(self, {"email": ("Email address", "Enter your email address")})
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            {
                "password1": ("New password", "Enter a new password"),
                "password2": ("Confirm your new password", "Enter your new password again"),
            },
        )

    def clean(self):
        cleaned = super().clean()
        _reword_mismatch(self)
        return cleaned


class ChangePasswordForm(account_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            {
                "oldpassword": ("Current password", "Enter your current password"),
                "password1": ("New password", "Enter a new password"),
                "password2": ("Confirm your new password", "Enter your new password again"),
            },
        )
        self.fields["oldpassword"].help_text = ""

    def clean(self):
        cleaned = super().clean()
        _reword_mismatch(self)
        return cleaned


_CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"


class _CodeMixin:
    code_label = "Code from your authenticator app"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(self, {"code": (self.code_label, _CODE_REQUIRED)})
        field = self.fields["code"]
        field.max_length = 64
        field.validators.append(MaxLengthValidator(64))
        field.error_messages["max_length"] = "The code is too long. " + _CODE_REQUIRED
        field.widget.attrs.update(
            {"inputmode": "numeric", "class": "govuk-input--width-10", "spellcheck": "false"}
        )


class AuthenticateForm(_CodeMixin, mfa_base_forms.AuthenticateForm):
    code_label = "Code from your authenticator app, or a recovery code"


class ReauthenticateForm(_CodeMixin, mfa_base_forms.ReauthenticateForm):
    code_label = "Code from your authenticator app, or a recovery code"


class ActivateTOTPForm(_CodeMixin, totp_forms.ActivateTOTPForm):
    pass


class InvitationForm(GovUKForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email them a link to join. It works for 14 days.",
        error_messages={
            "required": "Enter the email address of the person you want to invite",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the role they will have",
            "invalid_choice": "Select one of the roles listed",
        },
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
