"""The one search interface: views, the API and search alerts build a ``SearchQuery`` and
call ``search.run(query)``; the configured backend (database by default, Elasticsearch at scale)
answers with a ``SearchResult``. Both backends must return the same ids for the same query
(``tests/search/test_conformance.py``).

Values here are already parsed and validated (``search.forms`` turns query strings into them);
a backend never sees raw user input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Index = Literal["suppliers", "challenges"]

# Deepest result a query may page to (Elasticsearch's default max_result_window); the pages say
# so in words instead of answering slowly.
MAX_RESULT_WINDOW = 10_000
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float
    label: str = ""  # what the user typed, normalised ("LS1 4AP", "Leeds")
    # ITL1 code of the point's region (Place.region_code): ``include_remote`` adds suppliers
    # serving this region remotely. Empty: no remote suppliers are added.
    region: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """What to find. ``filters`` keys depend on ``index`` (see ``SUPPLIER_FILTERS`` and
    ``CHALLENGE_FILTERS``); multi-valued filters hold tuples and are OR-ed within a key, AND-ed
    across keys."""

    index: Index
    text: str = ""
    filters: dict = field(default_factory=dict)
    near: GeoPoint | None = None
    radius_miles: float | None = None
    # Suppliers only: also include suppliers that serve the point's region remotely.
    include_remote: bool = False
    facets: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20  # 0: the total and facet counts only, no hits (none read)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


# Filter keys each index accepts, with the value type a backend receives.
SUPPLIER_FILTERS = {
    "sme": bool,  # True: SMEs only; False: non-SMEs only; absent: either
    "size_band": tuple,  # SizeBand values, OR-ed
    "vcse": bool,
    "region": tuple,  # ITL1 codes where the supplier is based, OR-ed
    "capability": tuple,  # capability slugs, each already expanded to include its children
    "certification": tuple,  # certification schemes held and in date today, OR-ed
    "min_rating": float,  # minimum average rating (1-5)
    "new_to_public_sector": bool,
}
SUPPLIER_SORTS = ("relevance", "distance", "rating", "name")
SUPPLIER_FACETS = ("size_band", "region", "capability", "certification", "vcse")

CHALLENGE_FILTERS = {
    "status": tuple,  # Challenge.Status values; default (set by the form) is ("open",)
    "buyer": tuple,  # buyer organisation ids (int)
    "capability": tuple,  # capability slugs, expanded to include children
    "region": tuple,  # ITL1 codes
    "budget_min": int,  # pence
    "budget_max": int,  # pence
    "closing_before": dt.date,
    "procedure": tuple,
    "mode": tuple,  # "competition" | "open_call"
    "ids": tuple,  # challenge ids: only these (a search alert asks whether one challenge matches)
}
CHALLENGE_SORTS = ("closing", "newest", "relevance", "budget")
CHALLENGE_FACETS = ("status", "procedure", "capability", "region")


@dataclass(frozen=True)
class Hit:
    id: int
    score: float | None = None
    distance_miles: float | None = None  # exact, from the stored point; round before publishing
    highlight: str = ""  # plain text with matched words wrapped in <mark> (escaped otherwise)


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Set when the backend answered from its fallback ("elasticsearch unreachable").
    degraded: str = ""

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]
