"""Shared fields and helpers for the supplier forms.

Text fields with GOV.UK messages, money fields in pounds (stored as pence) and the capability
picker used by both the onboarding questions and listings.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField

from marketplace.core.forms import MoneyField, MoneyInput
from marketplace.core.money import format_gbp
from marketplace.core.validators import refuse_invisible_characters

from ..models import Capability

__all__ = [
    "CapabilityChoiceField",
    "GroupedCapabilityField",
    "MoneyInput",
    "in_sentence",
    "money",
    "pounds_initial",
    "text",
]


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
    is_name: bool = False,
) -> forms.CharField:
    """A text field with GOV.UK messages for missing and over-long answers.

    ``is_name``: the answer names something others see (an organisation, a product, a case
    study), so hidden formatting characters that could disguise it are refused.
    """
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
        validators=[refuse_invisible_characters] if is_name else [],
        error_messages={
            "required": required_message or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def money(label: str, *, help_text: str = "", required: bool = True) -> MoneyField:
    """A money field in pounds (cleaned to pence) with messages that name the answer."""
    lowered = f"{label[0].lower()}{label[1:]}"
    return MoneyField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter your {lowered} in pounds, like 1500000",
            "max_length": f"Enter your {lowered} in pounds, like 1500000",
            "negative": f"{label} cannot be negative. Enter 0 if you have none",
        },
    )


def pounds_initial(pence: int | None) -> str:
    return format_gbp(pence).lstrip("£") if pence is not None else ""


def in_sentence(name: str) -> str:
    """``name`` as it reads inside a sentence: "Data and AI" -> "data and AI".

    Only the first letter is lowered, and not even that when the first word is an acronym or
    a brand ("IoT and sensors", "NHS services"), so "All data and AI" never becomes
    "All data and ai".
    """
    first_word = name.split(" ", 1)[0]
    if not first_word or any(ch.isupper() for ch in first_word[1:]):
        return name
    return f"{name[0].lower()}{name[1:]}"


class CapabilityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Capability) -> str:
        return obj.name


class _GroupedCapabilityBoundField(BoundField):
    @property
    def groups(self) -> list[dict]:
        """Headings with their entries and whether each is ticked, in taxonomy order."""
        selected = {str(v) for v in (self.value() or [])}
        headings = Capability.objects.filter(parent__isnull=True).prefetch_related("children")
        return [
            {
                "heading": heading,
                "choices": [
                    {
                        "capability": child,
                        "checked": str(child.pk) in selected,
                        "id": f"{self.auto_id}-{child.slug}",
                    }
                    for child in heading.children.all()
                ],
            }
            for heading in headings
        ]


class GroupedCapabilityField(CapabilityChoiceField):
    """Capabilities as checkboxes grouped under their headings, as on the capabilities
    question page, instead of one long multi-select list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template_name", "suppliers/forms/grouped_capabilities.html")
        kwargs.setdefault(
            "queryset", Capability.objects.filter(parent__isnull=False).select_related("parent")
        )
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        return _GroupedCapabilityBoundField(form, self, field_name)
