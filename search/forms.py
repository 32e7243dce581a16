"""Query string -> ``SearchQuery``, one parser per index, used by the pages AND the API.

Both accept exactly the same parameter names (those of the API contract in issue #11) with the
same messages, so a page URL and an API URL for the same search differ only in their path:

- suppliers: q, sme, size_band, vcse, region, near, radius_miles, capability, certification,
  min_rating, new_to_public_sector, remote, sort, page, page_size
- challenges: q, status, buyer, capability, region, near, radius_miles, budget_min, budget_max
  (pounds), closing_before (YYYY-MM-DD), procedure, mode, sort, page, page_size

``remote`` (suppliers: also include suppliers that deliver remotely in the place's region) and
``new_to_public_sector`` are filters the issue asks for that its URL example leaves out.

Bad values never raise: each field at fault gets a GOV.UK message, and the rest of the search
still runs without it, except an unknown place, which stops the search ("no results" rather
than "all results"). The API turns the same messages into a 400 (``SearchForm.param_errors``).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django import forms
from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from django.utils import timezone

from challenges.forms import filters as challenge_filters
from challenges.models import Challenge
from marketplace.core import geo
from marketplace.core.forms import GovUKForm, MoneyField
from suppliers import filters as supplier_filters
from suppliers.forms import in_sentence

from . import places
from .query import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, GeoPoint, SearchQuery

MAX_TEXT_LENGTH = 200
MAX_RADIUS_MILES = 1000  # the whole UK and then some: bigger asks are capped, not refused
DEFAULT_RADIUS_MILES = 25
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_DIGITS = 9
CLOSING_SOON_DAYS = 14

_TRUE = frozenset({"true", "on", "1", "yes"})
_FALSE = frozenset({"false", "off", "0", "no"})
_DECIMAL = re.compile(r"^\d{1,6}(\.\d{1,4})?$", re.ASCII)


# --- Fields ---------------------------------------------------------------------------------


class Checkbox(forms.CheckboxInput):
    """A GOV.UK checkbox that submits ``true`` (the API's spelling) and shows itself ticked for
    any of true/on/1/yes. Named so the renderer treats it as a checkbox."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda v: v is True or str(v).lower() in _TRUE)

    def format_value(self, value):
        return "true"

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class YesNoField(forms.Field):
    """true | false | absent -> True | False | None. A checkbox on the page."""

    widget = Checkbox
    default_error_messages = {"invalid": "Enter true or false"}

    def to_python(self, value):
        if value is None or value is True or value is False:
            return value
        text = str(value).strip().lower()
        if text == "":
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class DecimalNumberField(forms.Field):
    """A plain decimal number typed by a person (``25``, ``2.5``): no NaN, Infinity, exponents
    or signs, so nothing odd reaches the backend."""

    widget = forms.TextInput

    def __init__(self, *, invalid: str, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid"] = invalid

    def to_python(self, value) -> float | None:
        text = "" if value is None else str(value).strip()
        if text == "":
            return None
        if not _DECIMAL.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return float(text)


class _RepeatableSelect(supplier_filters.RepeatableSelect):
    """The directory's repeatable drop-down; here an empty value ("Anywhere") is no value."""

    drop_blanks = True


class RepeatableChoiceField(supplier_filters.RepeatableChoiceField):
    widget = _RepeatableSelect


class RepeatableCheckboxes(forms.CheckboxSelectMultiple):
    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        return [v for v in values if v != ""]


def _page_number(value: str | None) -> int | None:
    """Page numbers as a person or a script types them; None when unusable."""
    text = (value or "").strip()
    if text == "":
        return 1
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_PAGE_DIGITS:
        return None
    return int(text)


# --- Choices (one query each) ---------------------------------------------------------------


class _Capabilities:
    """The taxonomy, read once per form: grouped choices and each heading's entries."""

    def __init__(self):
        groups, entries = supplier_filters.capability_tree()
        self.names = {c.slug: c.name for c, _ in groups}
        self.names.update((entry.slug, entry.name) for entry in entries)
        self.children: dict[str, list[str]] = {}
        choices: list = [("", "Any capability")]
        for heading, children in groups:
            self.children[heading.slug] = [c.slug for c in children]
            self.names[heading.slug] = f"All {in_sentence(heading.name)}"
            options = [(heading.slug, self.names[heading.slug])]
            options += [(child.slug, child.name) for child in children]
            choices.append((heading.name, options))
        # Entries whose heading is missing still count as choices.
        listed = {slug for group in choices[1:] for slug, _ in group[1]}
        orphans = [(c.slug, c.name) for c in entries if c.slug not in listed]
        if orphans:
            choices.append(("Other", orphans))
        self.choices = choices

    def expand(self, slugs) -> tuple[str, ...]:
        """A heading's slug includes its entries; order kept, no repeats."""
        out: list[str] = []
        for slug in slugs:
            out.append(slug)
            out.extend(self.children.get(slug, ()))
        return tuple(dict.fromkeys(out))


def _region_choices() -> list[tuple[str, str]]:
    # The 12 ITL1 regions from the bundled reference table (the Region rows are seeded from the
    # same list), so the form costs no query for them.
    return geo.regions()


# --- The shared base -------------------------------------------------------------------------


class SearchForm(GovUKForm):
    """Common to both indexes: text, place, radius, sort, page and page size.

    ``query()`` returns the ``SearchQuery`` to run, or None when the search must not run
    (an unknown place). ``param_errors`` is ``{parameter: message}`` for the API.
    """

    index: str
    sorts: tuple[tuple[str, str], ...]
    multi_valued: tuple[str, ...] = ()
    # Page-only spellings kept so old links keep working: {old name: parameter}.
    aliases: dict[str, str] = {}

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_TEXT_LENGTH,
        strip=True,
        error_messages={
            "max_length": f"Search text must be {MAX_TEXT_LENGTH} characters or fewer",
        },
    )
    near = forms.CharField(
        label="Near a postcode or town",
        help_text="For example, LS1 4AP, LS1 or Leeds",
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    radius_miles = DecimalNumberField(
        label="Within (miles)",
        required=False,
        invalid="Enter a distance in miles, like 25",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        error_messages={"invalid_choice": "Choose how to sort from the list"},
    )

    def __init__(self, data=None, *, strict: bool = False, page_size: int | None = None):
        """``strict`` (the API): unknown parameters, repeated single-valued ones and page_size are
        checked too. ``page_size`` fixes the page size (the pages)."""
        self.strict = strict
        self.fixed_page_size = page_size
        self.raw = data
        self.param_problems: dict[str, str] = {}
        if data is not None:
            data = self._with_aliases(data)
        super().__init__(data, auto_id="filter-%s")
        self.fields["sort"].choices = list(self.sorts)
        self.point: GeoPoint | None = None
        self.place_not_found = False
        self.page = 1
        self.page_size = page_size or DEFAULT_PAGE_SIZE
        if data is not None:
            self._read_paging(data)
            if strict:
                self._check_parameter_names(data)

    # -- parameters outside the fields --

    def _with_aliases(self, data):
        if self.strict or not self.aliases or not hasattr(data, "copy"):
            return data
        data = data.copy()
        for old, new in self.aliases.items():
            if old in data:
                if new not in data:
                    data.setlist(new, data.getlist(old))
                del data[old]
        return data

    def _read_paging(self, data) -> None:
        page = _page_number(data.get("page"))
        if page is None or page < 1:
            if self.strict:
                self.param_problems["page"] = "Enter a page number, 1 or more"
            page = 1
        self.page = page
        if self.fixed_page_size:
            return
        text = (data.get("page_size") or "").strip()
        size = _page_number(text) if text else DEFAULT_PAGE_SIZE
        if size is None or not 1 <= size <= MAX_PAGE_SIZE:
            self.param_problems["page_size"] = f"Enter a page size from 1 to {MAX_PAGE_SIZE}"
            size = DEFAULT_PAGE_SIZE
        self.page_size = size

    def allowed_parameters(self) -> tuple[str, ...]:
        return (*self.fields, "page", "page_size")

    def _check_parameter_names(self, data) -> None:
        allowed = set(self.allowed_parameters())
        for name in data:
            if name not in allowed:
                self.param_problems[name] = "Unknown parameter"
            elif name not in self.multi_valued and len(data.getlist(name)) > 1:
                self.param_problems[name] = "Give this parameter once"

    # -- fields --

    def clean_near(self) -> str:
        text = self.cleaned_data.get("near") or ""
        if text:
            try:
                self.point = places.resolve(text)
            except places.PlaceNotFound as exc:
                self.place_not_found = True
                raise forms.ValidationError(str(exc), code="not_found") from None
        return text

    def clean_radius_miles(self) -> float | None:
        radius = self.cleaned_data.get("radius_miles")
        if radius is None:
            return None
        if radius <= 0:
            raise forms.ValidationError("Enter a distance of more than 0 miles", code="min")
        return min(radius, MAX_RADIUS_MILES)

    def clean(self):
        data = super().clean()
        if data.get("sort") == "distance" and not (self.data.get("near") or "").strip():
            self.add_error("sort", "Enter a postcode or town to sort by distance")
        if self.strict and data.get("radius_miles") and not (self.data.get("near") or "").strip():
            self.add_error("radius_miles", "Enter a postcode or town to search within a distance")
        return data

    # -- results --

    @property
    def param_errors(self) -> dict[str, str]:
        """{parameter: first message}: every problem with the query string, for the API."""
        errors = dict(self.param_problems)
        if self.is_bound:
            for name, messages in self.errors.items():
                if name == "__all__":
                    continue
                errors.setdefault(name, messages[0])
        return errors

    def default_sort(self, data) -> str:
        if data.get("q"):
            return "relevance"
        return self.sorts[0][0]

    def filters(self, data) -> dict:
        raise NotImplementedError

    def query(self, *, facets: tuple[str, ...] = ()) -> SearchQuery | None:
        """What to run: the valid part of what was asked for, or None if the place is unknown."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if self.place_not_found:
            return None
        radius = data.get("radius_miles") if self.point else None
        if self.point and radius is None:
            radius = DEFAULT_RADIUS_MILES
        sort = data.get("sort") or self.default_sort(data)
        if sort == "distance" and not self.point:
            sort = self.default_sort(data)
        return SearchQuery(
            index=self.index,
            text=data.get("q") or "",
            filters=self.filters(data),
            near=self.point,
            radius_miles=radius,
            include_remote=self.include_remote(data),
            facets=facets,
            sort=sort,
            page=self.page,
            page_size=self.page_size,
        )

    def include_remote(self, data) -> bool:
        return False

    @property
    def last_reachable_page(self) -> int:
        return max(1, MAX_RESULT_WINDOW // self.page_size)


def last_page(total: int, page_size: int) -> int:
    return max(1, math.ceil(min(total, MAX_RESULT_WINDOW) / page_size))


# --- Suppliers -------------------------------------------------------------------------------


class SupplierSearchForm(SearchForm):
    index = "suppliers"
    sorts = (
        ("name", "Name"),
        ("relevance", "Best match"),
        ("distance", "Distance"),
        ("rating", "Rating"),
    )
    multi_valued = ("region", "size_band", "capability", "certification")
    aliases = {"text": "q"}

    sme = YesNoField(label="Small and medium-sized businesses (SMEs) only", required=False)
    size_band = supplier_filters.size_band_field(widget=RepeatableCheckboxes)
    vcse = YesNoField(
        label="Voluntary, community and social enterprises (VCSEs) only", required=False
    )
    region = supplier_filters.region_field(widget=_RepeatableSelect)
    capability = supplier_filters.capability_field(widget=_RepeatableSelect)
    certification = supplier_filters.certification_field(widget=_RepeatableSelect)
    min_rating = DecimalNumberField(
        label="Average rating at least",
        required=False,
        invalid="Enter a rating from 1 to 5, like 4",
        widget=forms.Select(
            choices=[("", "Any rating")] + [(str(n), f"{n} stars") for n in (4, 3, 2, 1)]
        ),
    )
    new_to_public_sector = YesNoField(
        label="Only suppliers new to the public sector", required=False
    )
    remote = YesNoField(
        label="Include suppliers who can deliver remotely in that region",
        required=False,
    )

    field_order = (
        "q",
        "near",
        "radius_miles",
        "remote",
        "sme",
        "size_band",
        "vcse",
        "region",
        "capability",
        "certification",
        "min_rating",
        "new_to_public_sector",
        "sort",
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].label = "Search by name or description"
        self.capabilities = _Capabilities()
        self.fields["capability"].choices = self.capabilities.choices
        self.fields["region"].choices = [("", "Anywhere")] + _region_choices()

    def clean_min_rating(self):
        rating = self.cleaned_data.get("min_rating")
        if rating is not None and not 1 <= rating <= 5:
            raise forms.ValidationError("Enter a rating from 1 to 5, like 4", code="range")
        return rating

    def default_sort(self, data) -> str:
        if data.get("q"):
            return "relevance"
        if self.point:
            return "distance"
        return "name"

    def include_remote(self, data) -> bool:
        return bool(data.get("remote")) and self.point is not None

    def filters(self, data) -> dict:
        out: dict = {}
        for flag in ("sme", "vcse"):
            if data.get(flag) is not None:
                out[flag] = data[flag]
        if data.get("new_to_public_sector"):
            out["new_to_public_sector"] = True
        for name in ("size_band", "region", "certification"):
            if data.get(name):
                out[name] = tuple(dict.fromkeys(data[name]))
        if data.get("capability"):
            out["capability"] = self.capabilities.expand(data["capability"])
        if data.get("min_rating") is not None:
            out["min_rating"] = float(data["min_rating"])
        return out


# --- Challenges ------------------------------------------------------------------------------

# The challenge list's own status labels (the old list API shares them).
STATUS_CHOICES = challenge_filters.STATUS_CHOICES


class ChallengeSearchForm(SearchForm):
    index = "challenges"
    sorts = (
        ("closing", "Closing soonest"),
        ("newest", "Newest"),
        ("relevance", "Best match"),
        ("budget", "Biggest budget"),
    )
    multi_valued = ("status", "buyer", "capability", "region", "procedure", "mode")
    aliases = {"text": "q"}

    status = RepeatableChoiceField(
        label="Status",
        required=False,
        choices=STATUS_CHOICES,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    buyer = RepeatableChoiceField(
        label="Buyer",
        required=False,
        error_messages={"invalid_choice": "Choose a buyer from the list"},
    )
    capability = supplier_filters.capability_field(widget=_RepeatableSelect)
    region = supplier_filters.region_field(label="Region", widget=_RepeatableSelect)
    budget_min = MoneyField(label="Budget at least", required=False)
    budget_max = MoneyField(label="Budget at most", required=False)
    closing_before = forms.DateField(
        label="Closing before",
        help_text="For example, 2027-03-31",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10", "type": "date"}),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, like 2027-03-31"},
    )
    closing_soon = YesNoField(label=f"Closing in the next {CLOSING_SOON_DAYS} days", required=False)
    procedure = RepeatableChoiceField(
        label="Procedure",
        required=False,
        choices=[("", "Any procedure")] + list(Challenge.Procedure.choices),
        error_messages={"invalid_choice": "Choose a procedure from the list"},
    )
    mode = RepeatableChoiceField(
        label="Open call or competition",
        required=False,
        choices=[
            ("", "Either"),
            (Challenge.Mode.COMPETITION.value, "Competition (fixed window)"),
            (Challenge.Mode.OPEN_CALL.value, "Open call (apply any time)"),
        ],
        error_messages={"invalid_choice": "Choose open call or competition"},
    )

    field_order = (
        "q",
        "status",
        "near",
        "radius_miles",
        "region",
        "capability",
        "buyer",
        "budget_min",
        "budget_max",
        "closing_before",
        "closing_soon",
        "procedure",
        "mode",
        "sort",
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].label = "Search challenges"
        self.capabilities = _Capabilities()
        self.fields["capability"].choices = self.capabilities.choices
        self.fields["region"].choices = [("", "Anywhere")] + _region_choices()
        self.buyers = _buyer_options()
        self.fields["buyer"].choices = [("", "Any buyer")] + [
            (slug, name) for slug, (_, name) in self.buyers.items()
        ]

    def allowed_parameters(self) -> tuple[str, ...]:
        # closing_soon is the page's checkbox; the API spells it closing_before.
        return tuple(n for n in super().allowed_parameters() if n != "closing_soon")

    def clean_buyer(self) -> list[str]:
        return self.cleaned_data.get("buyer") or []

    def _clean_fields(self):
        # Buyers may be given by id as well as by slug (the filter value is the id).
        if self.is_bound and "buyer" in self.data:
            by_id = {str(pk): slug for slug, (pk, _) in self.buyers.items()}
            values = self.fields["buyer"].widget.value_from_datadict(self.data, None, "buyer")
            if any(v in by_id for v in values):
                data = self.data.copy()
                data.setlist("buyer", [by_id.get(v, v) for v in values])
                self.data = data
        super()._clean_fields()

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", "The maximum budget must be more than the minimum")
        return data

    def filters(self, data) -> dict:
        out: dict = {}
        statuses = tuple(dict.fromkeys(data.get("status") or ()))
        if not statuses:
            out["status"] = (Challenge.Status.OPEN.value,)
        elif "any" not in statuses:
            out["status"] = statuses
        if data.get("buyer"):
            out["buyer"] = tuple(self.buyers[slug][0] for slug in data["buyer"])
        if data.get("capability"):
            out["capability"] = self.capabilities.expand(data["capability"])
        for name in ("region", "procedure", "mode"):
            if data.get(name):
                out[name] = tuple(dict.fromkeys(data[name]))
        for name in ("budget_min", "budget_max"):
            if data.get(name) is not None and name not in self.errors:
                out[name] = data[name]
        closing = data.get("closing_before")
        if data.get("closing_soon"):
            soon = timezone.localdate() + dt.timedelta(days=CLOSING_SOON_DAYS + 1)
            closing = min(closing, soon) if closing else soon
        if closing:
            out["closing_before"] = closing
        return out


def _buyer_options() -> dict[str, tuple[int, str]]:
    """Organisations leading or co-funding a challenge in the index (the public ones): slug ->
    (id, name). They are the index's buyer terms, which the buyer filter matches, so every
    organisation the filter can find a challenge by can be chosen, and no other."""
    from marketplace.accounts.models import Organisation

    from .models import ChallengeTerm, TermKind

    ids = (
        ChallengeTerm.objects.filter(kind=TermKind.BUYER)
        .annotate(organisation=Cast("value", BigIntegerField()))
        .values("organisation")
    )
    rows = (
        Organisation.objects.filter(pk__in=ids).order_by("name").values_list("slug", "pk", "name")
    )
    return {slug: (pk, name) for slug, pk, name in rows}
