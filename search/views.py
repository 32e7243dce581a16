"""What the search pages (``/suppliers/`` and ``/challenges/``) share: parse the query string
with the index's form, run the search, load the page's rows and describe the selected filters
as removable tags. The pages' own views stay a few lines (``suppliers.views.directory``,
``challenges.views.public``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.paginator import Paginator

from .facets import facets_to_ask, option_counts, show_counts
from .forms import SearchForm, last_page
from .query import MAX_RESULT_WINDOW, SearchResult

PAGE_SIZE = 20
# Parameters that are not filters: never shown as tags, and dropped when a filter is removed
# (page) or kept (sort).
_NOT_TAGS = frozenset({"page", "page_size", "sort", "radius_miles", "remote"})


# Short words for the yes/no filters' tags: (when true, when false).
_YES_NO_TAGS = {
    "sme": ("SMEs only", "Not SMEs"),
    "vcse": ("VCSEs only", "Not VCSEs"),
    "new_to_public_sector": ("New to the public sector", "Has public sector experience"),
    "closing_soon": ("Closing in the next 14 days", "Any closing date"),
}


@dataclass(frozen=True)
class FilterTag:
    label: str
    remove_url: str


class _Hits:
    """A sequence of ``total`` results of which only the current page is loaded, so Django's
    ``Paginator`` can number the pages without counting or slicing in the database."""

    def __init__(self, total: int, page_items: list):
        self.total = total
        self.page_items = page_items

    def count(self) -> int:
        return min(self.total, MAX_RESULT_WINDOW)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return self.page_items


def _query_string(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else "?"


def filter_tags(form: SearchForm, data) -> list[FilterTag]:
    """One tag per selected value; each links to the same search without that value."""
    if not form.is_bound:
        return []
    pairs = [(k, v) for k in data for v in data.getlist(k) if v != "" and k != "page"]
    tags = []
    for index, (name, value) in enumerate(pairs):
        if name in _NOT_TAGS or name not in form.fields:
            continue
        if name in form.errors:
            continue
        label = _tag_label(form, name, value)
        if label is None:
            continue
        rest = pairs[:index] + pairs[index + 1 :]
        if name == "near":  # the distance and remote flag only mean something with a place
            rest = [(k, v) for k, v in rest if k not in ("radius_miles", "remote")]
            rest = [(k, v) for k, v in rest if not (k == "sort" and v == "distance")]
        tags.append(FilterTag(label=label, remove_url=_query_string(rest)))
    return tags


def _choice_label(field, value: str) -> str | None:
    for key, label in field.choices:
        if isinstance(label, list | tuple):
            for sub_key, sub_label in label:
                if str(sub_key) == value:
                    return str(sub_label)
        elif str(key) == value:
            return str(label)
    return None


def _tag_label(form: SearchForm, name: str, value: str) -> str | None:
    field = form.fields[name]
    cleaned = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
    if name == "q":
        return f"Search: {value}"
    if name == "near":
        radius = form.cleaned_data.get("radius_miles") if hasattr(form, "cleaned_data") else None
        radius = radius or 25
        shown = form.point.label if form.point else value
        return f"Within {radius:g} miles of {shown}"
    if name in _YES_NO_TAGS:
        if cleaned is None:
            return None
        yes, no = _YES_NO_TAGS[name]
        return yes if cleaned else no
    if hasattr(field, "choices"):
        label = _choice_label(field, value)
        if label is None:
            return None
        return f"{field.label}: {label}"
    if name in ("budget_min", "budget_max"):
        return f"{field.label} £{value}"
    return f"{field.label}: {value}"


def search_context(
    request, form_class: type[SearchForm], load: Callable[[SearchResult], list]
) -> dict:
    """Everything a search page template needs. The filter options carry the result counts of
    the search as it stands (``search.facets``), unless the search has errors."""
    from search import run

    data = request.GET
    form = form_class(data or None, page_size=PAGE_SIZE)
    query = form.query(facets=facets_to_ask(form))
    notice = ""
    if query is None:
        result = SearchResult(hits=[], total=0)
    else:
        if query.page > form.last_reachable_page:
            notice = (
                f"Only the first {MAX_RESULT_WINDOW:,} results can be shown. "
                "Add words or filters to narrow your search."
            )
            query = _replace_page(query, form.last_reachable_page)
        result = run(query)
        if not result.hits and result.total and query.page > 1:
            # A page after the last one shows the last page, as the old directory did.
            # Same filters, so the same counts: the second run need not count again.
            query = _replace_page(query, last_page(result.total, query.page_size))
            result = replace(run(replace(query, facets=())), facets=result.facets)
    items = load(result)
    paginator = Paginator(_Hits(result.total, items), PAGE_SIZE)
    page = paginator.get_page(query.page if query else 1)
    context = {
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
        "total": result.total,
        "result": result,
        "items": items,
        "tags": filter_tags(form, form.data if form.is_bound else data),
        "clear_url": request.path,
        "near": form.point,
        "place_not_found": form.place_not_found,
        "notice": notice,
        "sort_hidden": [
            (k, v)
            for k in form.data
            for v in form.data.getlist(k)
            if k not in ("sort", "page") and v
        ]
        if form.is_bound
        else [],
        "sort_options": form.fields["sort"].choices,
        "current_sort": query.sort if query else "",
    }
    # After the tags, which name the options by their plain labels.
    if query is not None and result.facets:
        show_counts(form, option_counts(query, result, run))
    return context


def _replace_page(query, page: int):
    return replace(query, page=page)
