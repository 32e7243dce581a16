"""Onboarding question pages that build up the supplier profile.

One form per question page: name, company numbers, about, contact, size, VCSE status,
address, regions, capabilities and innovation.
"""

from __future__ import annotations

from django import forms

from marketplace.core import geo
from marketplace.core.forms import GovUKForm, WholeNumberField
from marketplace.core.idempotency import IdempotentFormMixin
from marketplace.core.uploads import IMAGE_FORMATS, ImageUploadField

from ..identifiers import VAT_NUMBER_EXAMPLE, normalise_company_number, normalise_vat_number
from ..limits import MAX_STAFF
from ..models import Region, SupplierProfile
from ._fields import GroupedCapabilityField, money, text

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 16_000_000  # 4000 by 4000: far more than a logo needs, little memory to decode
LOGO_FORMATS = set(IMAGE_FORMATS)
LOGO_MESSAGE = "The logo must be a PNG, JPG, GIF or WEBP image"


class NameForm(GovUKForm):
    legal_name = text(
        "Legal name",
        200,
        required_message="Enter your organisation’s legal name",
        help_text="As it appears on the Companies House or Charity Commission register",
        is_name=True,
    )
    trading_name = text(
        "Trading name (optional)",
        200,
        required=False,
        help_text="Only if buyers know you by a different name",
        is_name=True,
    )


class NewSupplierForm(IdempotentFormMixin, NameForm):
    """The name question when it creates the organisation: posting it twice creates one."""


class CompanyForm(GovUKForm):
    company_number = text(
        "Company number (optional if you are a registered charity)",
        20,
        required=False,
        width="govuk-input--width-10",
        help_text="8 digits, like 01234567, or 2 letters and 6 digits, like SC123456",
    )
    charity_number = text(
        "Charity number (optional)", 20, required=False, width="govuk-input--width-10"
    )
    vat_number = text(
        "VAT number (optional)",
        20,
        required=False,
        width="govuk-input--width-10",
        help_text=f"Like {VAT_NUMBER_EXAMPLE}",
    )

    def clean_company_number(self) -> str:
        from marketplace.core.errors import ValidationFailed

        try:
            return normalise_company_number(self.cleaned_data["company_number"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_vat_number(self) -> str:
        from marketplace.core.errors import ValidationFailed

        try:
            return normalise_vat_number(self.cleaned_data["vat_number"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("company_number") and not data.get("charity_number"):
            self.add_error(
                "company_number",
                "Enter your company number, or your charity number if you are a charity",
            )
        return data


class AboutForm(GovUKForm):
    summary = text(
        "Summary",
        2000,
        textarea=True,
        required_message="Enter a summary of what your organisation does",
        help_text="What your organisation does and for whom, in plain English. Buyers see this first.",
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a website address in the correct format, like www.example.co.uk",
            "max_length": "Website must be 200 characters or fewer",
        },
    )
    # Checked by content, scanned, re-encoded (no metadata or text chunks survive) and renamed
    # to a generated name: see marketplace/core/uploads.
    logo = ImageUploadField(
        label="Logo (optional)",
        required=False,
        max_bytes=MAX_LOGO_BYTES,
        max_pixels=MAX_LOGO_PIXELS,
        noun="logo",
        help_text="A PNG, JPG, GIF or WEBP image, smaller than 2MB",
    )


class ContactForm(GovUKForm):
    contact_name = text(
        "Contact name",
        150,
        required_message="Enter the name of a person buyers can contact",
        is_name=True,
    )
    contact_email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter an email address for buyers to contact",
            "invalid": "Enter an email address in the correct format, like name@example.co.uk",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    contact_phone = text(
        "Phone number (optional)", 30, required=False, width="govuk-input--width-20"
    )

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"]
        if phone and not all(ch.isdigit() or ch in " +()-" for ch in phone):
            raise forms.ValidationError(
                "Enter a phone number using numbers, spaces and +, like 0113 496 0000"
            )
        return phone


class SizeForm(GovUKForm):
    staff_headcount = WholeNumberField(
        label="Number of staff",
        min_value=0,
        max_value=MAX_STAFF,
        help_text="Full-time equivalent employees, including directors",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the number of staff",
            "invalid": "Enter the number of staff as a whole number, like 12",
            "min_value": "Number of staff cannot be negative",
            "max_value": f"Number of staff must be {MAX_STAFF:,} or fewer",
        },
    )
    turnover = money("Annual turnover", help_text="In pounds, from your last accounts")
    balance_sheet = money(
        "Balance sheet total", help_text="Total assets in pounds, from your last accounts"
    )


VCSE_NONE = "none"


class VCSEForm(GovUKForm):
    vcse_type = forms.ChoiceField(
        label="Is your organisation a voluntary, community or social enterprise (VCSE)?",
        choices=[
            (SupplierProfile.VCSEType.SOCIAL_ENTERPRISE, "Yes, a social enterprise"),
            (SupplierProfile.VCSEType.CHARITY, "Yes, a charity"),
            (SupplierProfile.VCSEType.COOPERATIVE, "Yes, a co-operative"),
            (VCSE_NONE, "No"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether your organisation is a VCSE",
            "invalid_choice": "Select whether your organisation is a VCSE",
        },
    )

    def clean_vcse_type(self) -> str:
        value = self.cleaned_data["vcse_type"]
        return "" if value == VCSE_NONE else value


class AddressForm(GovUKForm):
    address_line_1 = text(
        "Address line 1",
        200,
        required_message="Enter address line 1, typically the building and street",
    )
    address_line_2 = text("Address line 2 (optional)", 200, required=False)
    town = text("Town or city", 100, required_message="Enter the town or city")
    postcode = forms.CharField(
        label="Postcode",
        max_length=geo.MAX_INPUT_LENGTH,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        ),
        error_messages={
            "required": f"Enter a postcode, like {geo.EXAMPLE}",
            "max_length": f"Enter a real postcode, like {geo.EXAMPLE}",
        },
    )

    def clean_postcode(self) -> str:
        try:
            return geo.normalise_postcode(self.cleaned_data["postcode"])
        except geo.PostcodeError as exc:
            raise forms.ValidationError(str(exc)) from None


class RegionsForm(GovUKForm):
    serves_whole_uk = forms.BooleanField(label="We work across the whole UK", required=False)
    regions_served = forms.ModelMultipleChoiceField(
        label="Or choose the regions you work in",
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select regions from the list",
            "invalid_pk_value": "Select regions from the list",
            "list": "Select regions from the list",
        },
    )
    remote_delivery = forms.BooleanField(label="We can deliver work remotely", required=False)

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not data.get("regions_served")
            and not data.get("serves_whole_uk")
            and not data.get("remote_delivery")
        ):
            self.add_error(
                "regions_served",
                "Select the regions you work in, or select that you work across the whole UK",
            )
        return data


class CapabilitiesForm(GovUKForm):
    capabilities = GroupedCapabilityField(
        label="What does your organisation do?",
        error_messages={
            "required": "Select at least one thing your organisation does",
            "invalid_choice": "Select things your organisation does from the list",
            "invalid_pk_value": "Select things your organisation does from the list",
            "list": "Select things your organisation does from the list",
        },
    )

    def groups(self):
        """Headings with their checkboxes, for the grouped checkbox page."""
        return self["capabilities"].groups


INNOVATION_NONE = "none"


class InnovationForm(GovUKForm):
    innovation_type = forms.ChoiceField(
        label="What kind of innovation do you offer?",
        choices=[
            (
                SupplierProfile.InnovationType.RADICAL,
                "Radical – something new to the world",
            ),
            (
                SupplierProfile.InnovationType.DISRUPTIVE,
                "Disruptive – a cheaper or simpler way that changes how a service works",
            ),
            (
                SupplierProfile.InnovationType.INCREMENTAL,
                "Incremental – a clear improvement to something that exists",
            ),
            (INNOVATION_NONE, "We are not making an innovation claim"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of innovation you offer",
            "invalid_choice": "Select the kind of innovation you offer",
        },
    )
    innovation_evidence = text(
        "Evidence for your claim",
        3000,
        required=False,
        textarea=True,
        help_text="What is new, who has used it, and what changed. Include numbers if you have them.",
    )

    def clean_innovation_type(self) -> str:
        value = self.cleaned_data["innovation_type"]
        return "" if value == INNOVATION_NONE else value

    def clean(self):
        data = super().clean()
        if (
            data.get("innovation_type")
            and not data.get("innovation_evidence")
            and not self.has_error("innovation_evidence")
        ):
            self.add_error("innovation_evidence", "Enter evidence for your innovation claim")
        return data
