"""What the public challenge list (and the API) can be filtered by.

``ChallengeFilterSet`` (django-filter) parses and validates the GET parameters with clear
messages; ``to_filters()`` turns the valid ones into the ``ChallengeFilters`` value the selector
takes, so the HTML page and the JSON API accept exactly the same filters.
"""

import django_filters
from django import forms

from marketplace.core.forms import GovUKForm, MoneyField
from suppliers.filters import _capability_choices, _region_choices

from ..models import Challenge
from ..selectors.challenges import ChallengeFilters, buyer_options

STATUS_CHOICES = [
    (Challenge.Status.OPEN.value, "Open now"),
    (Challenge.Status.SCHEDULED.value, "Opening soon"),
    (Challenge.Status.CLOSED.value, "Closed"),
    (Challenge.Status.ASSESSING.value, "Being assessed"),
    (Challenge.Status.DECIDED.value, "Decided"),
    (Challenge.Status.COMPLETE.value, "Complete"),
    (Challenge.Status.CANCELLED.value, "Cancelled"),
    ("any", "Any status"),
]
FILTER_NAMES = (
    "status",
    "buyer",
    "capability",
    "region",
    "budget_min",
    "budget_max",
    "closing_soon",
    "procedure",
)


class ChallengeFilterForm(GovUKForm):
    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", "The maximum budget must be more than the minimum")
        return data


class MoneyFilter(django_filters.Filter):
    field_class = MoneyField


def _noop(queryset, name, value):
    # Filtering happens in the selector (``to_filters``); the FilterSet only parses.
    return queryset


class ChallengeFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=STATUS_CHOICES,
        empty_label=None,
        method=_noop,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    buyer = django_filters.ChoiceFilter(
        label="Buyer",
        method=_noop,
        empty_label="Any buyer",
        error_messages={"invalid_choice": "Choose a buyer from the list"},
    )
    capability = django_filters.ChoiceFilter(
        label="Capability",
        method=_noop,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a capability from the list"},
    )
    region = django_filters.ChoiceFilter(
        label="Region",
        method=_noop,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    budget_min = MoneyFilter(label="Budget at least", method=_noop, required=False)
    budget_max = MoneyFilter(label="Budget at most", method=_noop, required=False)
    closing_soon = django_filters.BooleanFilter(
        label="Closing in the next 14 days",
        method=_noop,
        widget=forms.CheckboxInput,
    )
    procedure = django_filters.ChoiceFilter(
        label="Procedure",
        choices=Challenge.Procedure.choices,
        empty_label="Any procedure",
        method=_noop,
        error_messages={"invalid_choice": "Choose a procedure from the list"},
    )

    class Meta:
        model = Challenge
        fields: list = []
        form = ChallengeFilterForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, queryset=Challenge.objects.none(), **kwargs)
        self.filters["buyer"].extra["choices"] = buyer_options()
        self.filters["capability"].extra["choices"] = _capability_choices()
        self.filters["region"].extra["choices"] = _region_choices()

    @property
    def form(self):
        form = super().form
        form.auto_id = "filter-%s"
        for name in ("capability", "region"):
            form.fields[name].required = False
        form.fields["status"].required = False
        return form

    def to_filters(self) -> ChallengeFilters:
        """The valid part of what was asked for; invalid fields are left out (and shown)."""
        form = self.form
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        status = data.get("status") or Challenge.Status.OPEN
        return ChallengeFilters(
            status="" if status == "any" else status,
            buyer=data.get("buyer") or "",
            capability=data.get("capability") or "",
            region=data.get("region") or "",
            budget_min_pence=data.get("budget_min") if "budget_min" not in form.errors else None,
            budget_max_pence=data.get("budget_max") if "budget_max" not in form.errors else None,
            closing_soon=bool(data.get("closing_soon")),
            procedure=data.get("procedure") or "",
        )

    def error_text(self) -> str:
        return "; ".join(
            f"{name}: {message}"
            for name, messages in self.form.errors.items()
            for message in messages
        )
