"""What a directory visitor (or an API client) can filter suppliers by.

``SupplierFilters`` is the plain value the selector takes; ``SupplierFilterForm`` parses and
validates query parameters into it, for the HTML directory and the JSON API alike, so both
accept exactly the same filters with the same error messages.
"""

from dataclasses import dataclass, field

from django import forms

from marketplace.core.forms import GovUKForm

from .forms import in_sentence
from .models import Capability, Certification, Region, SupplierProfile

MAX_TEXT_LENGTH = 200


# Filters that may be given more than once; a supplier matching any of the values matches
# (``region=TLE&region=TLD`` is "based in Yorkshire or the North West"). Every other filter takes
# one value.
MULTI_VALUED = ("region", "serves", "capability", "size_band", "certification")


def _values(value) -> tuple[str, ...]:
    """One value or several, as a tuple without blanks or repeats, in the order given."""
    if isinstance(value, str):
        value = (value,)
    return tuple(dict.fromkeys(v for v in (value or ()) if v))


@dataclass(frozen=True)
class SupplierFilters:
    """What to filter by. The multi-valued filters hold tuples (a single string is accepted and
    becomes a one-item tuple); a supplier matching any value in a tuple matches that filter."""

    text: str = ""
    region: tuple[str, ...] = ()  # ITL1 codes where the supplier is based
    serves: tuple[str, ...] = ()  # ITL1 codes the supplier can work in (or the whole UK)
    sme: bool = False
    size_bands: tuple[str, ...] = field(default_factory=tuple)
    vcse: bool = False
    capability: tuple[str, ...] = ()  # capability slugs; a heading matches all of its entries
    certification: tuple[str, ...] = ()  # certification schemes held and in date
    remote: bool = False

    def __post_init__(self):
        for name in ("region", "serves", "size_bands", "capability", "certification"):
            object.__setattr__(self, name, _values(getattr(self, name)))


class RepeatableSelect(forms.Select):
    """A drop-down that also accepts the parameter repeated (``?region=TLE&region=TLD``), so
    links and API clients can ask for several values; the page itself offers one at a time.

    ``drop_blanks``: leave out empty values (the "Anywhere" option) rather than passing them on
    as a choice; a subclass sets it."""

    drop_blanks = False

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            value = data.get(name)
            if value is None:
                values = []
            else:
                values = list(value) if isinstance(value, list | tuple) else [value]
        return [v for v in values if v != ""] if self.drop_blanks else values


class RepeatableChoiceField(forms.MultipleChoiceField):
    widget = RepeatableSelect


# The filters the directory shares with supplier search (``search.forms``): the same labels
# and messages on both. ``kwargs`` (a widget, another label) go to the field.


def region_field(**kwargs) -> RepeatableChoiceField:
    kwargs.setdefault("label", "Based in")
    return RepeatableChoiceField(
        required=False, error_messages={"invalid_choice": "Choose a region from the list"}, **kwargs
    )


def capability_field(**kwargs) -> RepeatableChoiceField:
    return RepeatableChoiceField(
        label="Capability",
        required=False,
        error_messages={"invalid_choice": "Choose a capability from the list"},
        **kwargs,
    )


def certification_field(**kwargs) -> RepeatableChoiceField:
    return RepeatableChoiceField(
        label="Holds an in-date certificate",
        required=False,
        choices=[("", "Any or none")] + list(Certification.Scheme.choices),
        error_messages={"invalid_choice": "Choose a certificate from the list"},
        **kwargs,
    )


def size_band_field(**kwargs) -> forms.MultipleChoiceField:
    kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
    return forms.MultipleChoiceField(
        label="Size of business",
        required=False,
        choices=SupplierProfile.SizeBand.choices,
        error_messages={"invalid_choice": "Choose sizes from the list"},
        **kwargs,
    )


def _region_choices():
    return [("", "Anywhere")] + [(r.code, r.name) for r in Region.objects.all()]


def capability_tree() -> tuple[list[tuple[Capability, list[Capability]]], list[Capability]]:
    """The taxonomy from one query: the headings in order, each with its entries, and every
    entry (including any whose heading is missing)."""
    headings: dict[int, tuple[Capability, list[Capability]]] = {}
    entries = []
    for capability in Capability.objects.order_by("order", "name"):
        if capability.parent_id is None:
            headings[capability.pk] = (capability, [])
        else:
            entries.append(capability)
    for entry in entries:
        if entry.parent_id in headings:
            headings[entry.parent_id][1].append(entry)
    return sorted(headings.values(), key=lambda h: (h[0].order, h[0].name)), entries


def _capability_choices():
    """Headings as option groups; each group starts with 'All <heading>' (the heading itself)."""
    groups, _ = capability_tree()
    choices: list = [("", "Any capability")]
    for heading, children in groups:
        options = [(heading.slug, f"All {in_sentence(heading.name)}")]
        options += [(child.slug, child.name) for child in children]
        choices.append((heading.name, options))
    return choices


class SupplierFilterForm(GovUKForm):
    """GET form for the directory. Every field is optional; bad values get a clear error."""

    text = forms.CharField(
        label="Search by name or description",
        required=False,
        max_length=MAX_TEXT_LENGTH,
        error_messages={
            "max_length": f"Search text must be {MAX_TEXT_LENGTH} characters or fewer",
        },
    )
    region = region_field()
    serves = region_field(label="Can work in")
    capability = capability_field()
    size_band = size_band_field()
    sme = forms.BooleanField(label="Small and medium-sized businesses (SMEs) only", required=False)
    vcse = forms.BooleanField(
        label="Voluntary, community and social enterprises (VCSEs) only", required=False
    )
    certification = certification_field()
    remote = forms.BooleanField(label="Can deliver remotely", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        regions = _region_choices()
        self.fields["region"].choices = regions
        self.fields["serves"].choices = regions
        self.fields["capability"].choices = _capability_choices()

    def to_filters(self) -> SupplierFilters:
        """The valid part of what was asked for. Invalid fields are left out (and shown as errors)."""
        if not self.is_bound:
            return SupplierFilters()
        self.is_valid()
        data = self.cleaned_data
        return SupplierFilters(
            text=(data.get("text") or "").strip(),
            region=data.get("region") or (),
            serves=data.get("serves") or (),
            sme=bool(data.get("sme")),
            size_bands=data.get("size_band") or (),
            vcse=bool(data.get("vcse")),
            capability=data.get("capability") or (),
            certification=data.get("certification") or (),
            remote=bool(data.get("remote")),
        )
