"""Facet counts beside the filter options of the search pages (``/suppliers/``, ``/challenges/``).

What a count means: how many results that option gives with every other filter as it is. For
a filter with nothing chosen that is the number of the current results with that value. For a
filter with a choice made, the filter's own choice is left out of its counts (they come from
one more search without it, ``option_counts``), so with "Small" ticked "Medium (12)" still
says what ticking Medium as well adds, and with the default "Open" status "Closed (4)" says
that closed challenges exist. A capability heading counts the results with any capability
under it; the entries under a heading have no count of their own.

Counts are shown in the option's label, "Small (1,204)", as plain text that a screen reader
reads with the option. An option the backend did not count shows (0); a value the backend
counted that has no option is left out. A page whose query has errors asks for no facets and
shows no counts: its results leave the faulty filter out, so counts would mislead.
"""

from __future__ import annotations

from dataclasses import replace

from .forms import SearchForm, YesNoField
from .query import CHALLENGE_FACETS, SUPPLIER_FACETS, SearchQuery, SearchResult

_INDEX_FACETS = {"suppliers": SUPPLIER_FACETS, "challenges": CHALLENGE_FACETS}
# Option values that are not one value of the facet ("Anywhere", "Any status").
_NOT_A_VALUE = frozenset({"", "any"})


def facets_to_ask(form: SearchForm) -> tuple[str, ...]:
    """The facets a page asks for: its index's facets that are filters on its form, or none
    when what was asked for has errors."""
    if form.is_bound and not form.is_valid():
        return ()
    return tuple(name for name in _INDEX_FACETS.get(form.index, ()) if name in form.fields)


def option_counts(query: SearchQuery, result: SearchResult, run) -> dict[str, dict[str, int]]:
    """The counts to show beside each facet's options: the result's own for a facet whose
    filter has nothing chosen; for one with a choice made, the counts of one more search
    without that filter (one query each, and only for filters in use)."""
    counts = dict(result.facets)
    filters = query.filters or {}
    for name in query.facets:
        if filters.get(name) in (None, (), [], ""):
            continue
        others = {key: value for key, value in filters.items() if key != name}
        without = run(replace(query, filters=others, facets=(name,), page=1, page_size=0))
        counts[name] = without.facets.get(name, {})
    return counts


def with_count(label, count: int) -> str:
    return f"{label} ({count:,})"


def show_counts(form: SearchForm, facets: dict[str, dict[str, int]]) -> None:
    """Add each facet's counts to the labels of its field's options, on this form only (a form
    has its own copy of its fields). Call it after anything that reads the plain labels, such
    as the selected filters' tags."""
    for name, counts in facets.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if isinstance(field, YesNoField):  # one checkbox: "VCSEs only", ticked for true
            field.label = with_count(field.label, counts.get("true", 0))
            # Checking the form made its bound fields, which copied the label.
            form[name].label = field.label
        elif hasattr(field, "choices"):
            counted = _counted_values(form, name, field.choices)
            field.choices = [_option(choice, counts, counted) for choice in field.choices]


def _counted_values(form: SearchForm, name: str, choices) -> set[str]:
    """The option values the facet counts, so an uncounted one can be shown as (0)."""
    if name == "capability":
        return set(form.capabilities.children)  # the headings' slugs
    values = set()
    for value, label in choices:
        if isinstance(label, list | tuple):
            values.update(str(v) for v, _ in label)
        else:
            values.add(str(value))
    return values - _NOT_A_VALUE


def _option(choice, counts: dict[str, int], counted: set[str]):
    value, label = choice
    if isinstance(label, list | tuple):  # a group of options (capabilities under a heading)
        return (value, [_option(option, counts, counted) for option in label])
    key = str(value)
    if key not in counted:
        return choice
    return (value, with_count(label, counts.get(key, 0)))
