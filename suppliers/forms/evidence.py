"""Evidence a supplier adds to the profile: certifications, case studies and listings."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from marketplace.core.forms import GovUKDateField, GovUKForm, MoneyField

from ..limits import CERTIFICATE_EXPIRED_MESSAGE
from ..models import Certification, Listing
from ._fields import GroupedCapabilityField, text


class CertificationForm(GovUKForm):
    scheme = forms.ChoiceField(
        label="Certification",
        choices=Certification.Scheme.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the certification",
            "invalid_choice": "Select the certification from the list",
        },
    )
    other_name = text("Name of the certification (if other)", 100, required=False, is_name=True)
    certificate_number = text(
        "Certificate number (optional)", 50, required=False, width="govuk-input--width-20"
    )
    expires_on = GovUKDateField(
        label="Expiry date",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the expiry date", "incomplete": "Enter the expiry date"},
    )

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on and expires_on < timezone.localdate():
            raise forms.ValidationError(CERTIFICATE_EXPIRED_MESSAGE)
        return expires_on

    def clean(self):
        data = super().clean()
        if (
            data.get("scheme") == Certification.Scheme.OTHER
            and not data.get("other_name")
            and not self.has_error("other_name")
        ):
            self.add_error("other_name", "Enter the name of the certification")
        if data.get("scheme") != Certification.Scheme.OTHER:
            data["other_name"] = ""
        return data


YES_NO = [("yes", "Yes"), ("no", "No")]


class CaseStudyForm(GovUKForm):
    title = text("Title", 150, is_name=True)
    buyer_name = text(
        "Who was the customer?", 150, required_message="Enter who the customer was", is_name=True
    )
    is_public_sector = forms.ChoiceField(
        label="Was the customer a public sector organisation?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the customer was a public sector organisation",
            "invalid_choice": "Select yes if the customer was a public sector organisation",
        },
    )
    challenge = text(
        "What problem did they have?",
        3000,
        textarea=True,
        required_message="Enter the problem the customer had",
    )
    outcome = text(
        "What changed because of your work?",
        3000,
        textarea=True,
        required_message="Enter what changed because of your work",
        help_text="Include numbers if you have them",
    )
    start_date = GovUKDateField(
        label="Start date (optional)", required=False, help_text="For example, 1 4 2024"
    )
    end_date = GovUKDateField(
        label="End date (optional)", required=False, help_text="For example, 31 3 2025"
    )
    place = text("Where was the work done? (optional)", 100, required=False)

    def clean_is_public_sector(self) -> bool:
        return self.cleaned_data["is_public_sector"] == "yes"

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return data


class ListingForm(GovUKForm):
    kind = forms.ChoiceField(
        label="What are you offering?",
        choices=Listing.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you are offering",
            "invalid_choice": "Select what you are offering",
        },
    )
    title = text("Name of the product or service", 150, is_name=True)
    summary = text(
        "Summary", 2000, textarea=True, required_message="Enter a summary of what you offer"
    )
    price_model = forms.ChoiceField(
        label="How is it priced?",
        choices=Listing.PriceModel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how it is priced",
            "invalid_choice": "Select how it is priced",
        },
    )
    price = MoneyField(
        label="Price in pounds (optional)",
        required=False,
        error_messages={
            "max_length": "Enter the price in pounds, like 1500",
            "negative": "Price cannot be negative. Leave it blank if you do not publish a price",
        },
    )
    capabilities = GroupedCapabilityField(
        label="Capabilities (optional)",
        required=False,
        help_text="Select everything this offer covers. Buyers search by these.",
        error_messages={
            "invalid_choice": "Select capabilities from the list",
            "invalid_pk_value": "Select capabilities from the list",
            "list": "Select capabilities from the list",
        },
    )
