"""Forms for signing in and managing an account, and for inviting colleagues.

allauth's forms are subclassed only to use GOV.UK labels and error messages; the markup comes
from ``marketplace.core.forms.GovUKFormRenderer``.
"""

from allauth.account import forms as account_forms
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.core.cache import cache
from django.core.validators import MaxLengthValidator

from marketplace.core.forms import GovUKForm
from marketplace.core.validators import refuse_invisible_characters

from .models import Organisation, Role

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
        validators=[refuse_invisible_characters],
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


CODE_ALREADY_USED = (
    "This code has already been used. Wait for your authenticator app to show a new code, "
    "then enter that one"
)


class _NoReplayMixin:
    """Refuse an authenticator-app code that was already accepted while it is still valid.

    ``MFA_TOTP_TOLERANCE`` accepts a code from the window before and after the current one (so a
    phone clock a little out, or a code typed as it changes, still works). allauth remembers a
    used code for one window only, so on its own an overheard code could be replayed in the
    next. Here a used code is remembered for every window in which it is accepted.
    """

    def clean_code(self):
        code = super().clean_code()
        if getattr(self, "authenticator", None) is None:
            return code
        if self.authenticator.type != Authenticator.Type.TOTP:
            return code  # recovery codes are spent by allauth itself
        windows = 2 * mfa_settings.TOTP_TOLERANCE + 1
        key = f"mfa-totp-used:{self.user.pk}:{code.strip()}"
        if not cache.add(key, 1, timeout=mfa_settings.TOTP_PERIOD * windows):
            raise forms.ValidationError(CODE_ALREADY_USED)
        return code


class AuthenticateForm(_CodeMixin, _NoReplayMixin, mfa_base_forms.AuthenticateForm):
    code_label = "Code from your authenticator app, or a recovery code"


class ReauthenticateForm(_CodeMixin, _NoReplayMixin, mfa_base_forms.ReauthenticateForm):
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


class BuyerOrganisationForm(GovUKForm):
    """Register a buying organisation: who it is and what the person asking does there."""

    name = forms.CharField(
        label="Name of your organisation",
        max_length=200,
        help_text="The full name, for example Leeds City Council or Leeds Teaching Hospitals "
        "NHS Trust",
        validators=[refuse_invisible_characters],
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    buyer_type = forms.ChoiceField(
        label="Type of organisation",
        widget=forms.RadioSelect,
        choices=Organisation.BuyerType.choices,
        error_messages={
            "required": "Select the type of organisation",
            "invalid_choice": "Select one of the types listed",
        },
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="For example https://www.leeds.gov.uk",
        error_messages={
            "invalid": "Enter the website address in the correct format, like "
            "https://www.leeds.gov.uk",
            "max_length": "The website address must be 200 characters or fewer",
        },
    )
    job_title = forms.CharField(
        label="Your job title",
        max_length=150,
        help_text="We use this to check you can register the organisation",
        validators=[refuse_invisible_characters],
        error_messages={
            "required": "Enter your job title",
            "max_length": "Your job title must be 150 characters or fewer",
        },
    )


class BuyerOrganisationDecisionForm(GovUKForm):
    """What a platform admin decides about a buying organisation registration."""

    decision = forms.ChoiceField(
        choices=[("verify", "Verify"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a decision",
            "invalid_choice": "Select a decision from the list",
        },
    )
    reason = forms.CharField(
        label="Reason for rejecting",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required to reject. We email this to the person who asked.",
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )
