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


class _RepeatableSelect(forms.Select):
    """A drop-down that also accepts the parameter repeated (``?region=TLE&region=TLD``), so
    links and API clients can ask for several values; the page itself offers one at a time."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


class _RepeatableChoiceField(forms.MultipleChoiceField):
    widget = _RepeatableSelect


def _region_choices():
    return [("", "Anywhere")] + [(r.code, r.name) for r in Region.objects.all()]


def _capability_choices():
    """Headings as option groups; each group starts with 'All <heading>' (the heading itself)."""
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
    choices: list = [("", "Any capability")]
    for heading, children in sorted(headings.values(), key=lambda h: (h[0].order, h[0].name)):
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
    region = _RepeatableChoiceField(
        label="Based in",
        required=False,
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    serves = _RepeatableChoiceField(
        label="Can work in",
        required=False,
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    capability = _RepeatableChoiceField(
        label="Capability",
        required=False,
        error_messages={"invalid_choice": "Choose a capability from the list"},
    )
    size_band = forms.MultipleChoiceField(
        label="Size of business",
        required=False,
        choices=SupplierProfile.SizeBand.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose sizes from the list"},
    )
    sme = forms.BooleanField(label="Small and medium-sized businesses (SMEs) only", required=False)
    vcse = forms.BooleanField(
        label="Voluntary, community and social enterprises (VCSEs) only", required=False
    )
    certification = _RepeatableChoiceField(
        label="Holds an in-date certificate",
        required=False,
        choices=[("", "Any or none")] + list(Certification.Scheme.choices),
        error_messages={"invalid_choice": "Choose a certificate from the list"},
    )
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
