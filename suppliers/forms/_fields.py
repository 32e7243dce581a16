"""Shared fields and helpers for the supplier forms.

Text fields with GOV.UK messages, money fields in pounds (stored as pence) and the capability
picker used by both the onboarding questions and listings.
"""

from __future__ import annotations

from django import forms

from marketplace.core.money import format_gbp, parse_gbp

from ..models import MAX_PENCE, Capability


def text(
    label: str,
    max_length: int,
    *,
    required: bool = True,
    required_message: str | None = None,
    textarea: bool = False,
    rows: int = 5,
    help_text: str = "",
    width: str = "",
) -> forms.CharField:
    """A text field with GOV.UK messages for missing and over-long answers."""
    if textarea:
        widget = forms.Textarea(attrs={"rows": rows})
    else:
        widget = forms.TextInput(attrs={"class": width} if width else None)
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": required_message or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


class MoneyInput(forms.TextInput):
    """A GOV.UK text input with a £ prefix."""

    template_name = "suppliers/onboarding/widgets/money_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "decimal", "class": "govuk-input--width-10", **(attrs or {})}
        )


def money(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        help_text=help_text,
        widget=MoneyInput(),
        error_messages={
            "required": f"Enter your {label[0].lower()}{label[1:]} in pounds, like 1500000",
            "max_length": f"Enter your {label[0].lower()}{label[1:]} in pounds, like 1500000",
        },
    )


def clean_money(value: str, label: str) -> int:
    try:
        pence = parse_gbp(value)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None
    if pence < 0:
        raise forms.ValidationError(f"{label} cannot be negative. Enter 0 if you have none")
    if pence > MAX_PENCE:
        raise forms.ValidationError(
            f"{label} must be £10,000,000,000,000 or less. Enter the amount in pounds, not pence"
        )
    return pence


def pounds_initial(pence: int | None) -> str:
    return format_gbp(pence).lstrip("£") if pence is not None else ""


class CapabilityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Capability) -> str:
        return obj.name
