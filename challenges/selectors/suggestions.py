"""Suppliers to suggest inviting to a challenge, each with the reason in words.

Ranked by how many of the challenge's capabilities they have (a heading and an entry under it
count as a match either way round), whether they serve its region, and how many words of the
problem statement appear in their summary, case studies and listings. The word overlap is plain
Python so it runs on any database; the search backend can replace ``_candidates`` and
``_text_score`` later without changing the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from suppliers.filters import SupplierFilters
from suppliers.models import CaseStudy, Listing, SupplierProfile
from suppliers.selectors import supplier_list_public

from ..models import Challenge, CompetitionInvitation

STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "cannot",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "must",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "want",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "ours",
        "people",
        "need",
        "needs",
        "help",
        "make",
        "making",
        "service",
        "services",
        "local",
        "council",
    ]
)
MIN_WORD_LENGTH = 4


def words(text: str) -> set[str]:
    """Meaningful lower-case words of ``text`` (4 letters or more, no common words)."""
    return {
        w
        for w in re.findall(r"[a-z][a-z\-]+", (text or "").lower())
        if len(w) >= MIN_WORD_LENGTH and w not in STOPWORDS
    }


@dataclass(frozen=True)
class Suggestion:
    supplier: SupplierProfile
    score: float
    capabilities_matched: int
    capabilities_wanted: int
    serves_region: bool
    text_source: str  # "case study: Fall prevention", "" if no words in common
    reason: str
    invited: bool


def _candidates() -> QuerySet[SupplierProfile]:
    return supplier_list_public(filters=SupplierFilters()).prefetch_related(
        Prefetch("case_studies", queryset=CaseStudy.objects.order_by("pk")),
        Prefetch("listings", queryset=Listing.objects.order_by("pk")),
    )


def _text_score(wanted: set[str], supplier: SupplierProfile) -> tuple[int, str]:
    """Most words in common with one of the supplier's texts, and which text it was."""
    sources = [("summary", "", supplier.summary)]
    sources += [
        ("case study", cs.title, f"{cs.title} {cs.challenge} {cs.outcome}")
        for cs in supplier.case_studies.all()
    ]
    sources += [("listing", li.title, f"{li.title} {li.summary}") for li in supplier.listings.all()]
    best, label = 0, ""
    for kind, title, text in sources:
        common = len(wanted & words(text))
        if common > best:
            best, label = common, f"{kind}: {title}" if title else kind
    return best, label


def suggested_suppliers(*, challenge: Challenge, limit: int = 10) -> list[Suggestion]:
    """Approved suppliers worth inviting, best first. Suppliers with nothing in common with the
    challenge are left out."""
    wanted_caps = list(challenge.capabilities.all())
    wanted_words = words(f"{challenge.title} {challenge.summary} {challenge.problem_statement}")
    invited = set(
        CompetitionInvitation.objects.filter(
            phase__challenge=challenge, phase__number=challenge.current_phase_number
        ).values_list("supplier_id", flat=True)
    )
    region = None if challenge.uk_wide else challenge.region
    suggestions = []
    for supplier in _candidates():
        theirs = list(supplier.capabilities.all())
        matched = sum(
            1
            for want in wanted_caps
            if any(
                have.pk == want.pk or have.parent_id == want.pk or want.parent_id == have.pk
                for have in theirs
            )
        )
        serves = bool(region) and (
            supplier.serves_whole_uk
            or supplier.region_id == region.pk
            or any(r.pk == region.pk for r in supplier.regions_served.all())
        )
        common, source = _text_score(wanted_words, supplier)
        if not (matched or serves or common):
            continue
        score = matched * 10 + (5 if serves else 0) + common
        reasons = []
        if wanted_caps:
            reasons.append(f"{matched} of {len(wanted_caps)} capabilities")
        if serves:
            reasons.append(f"serves {region.name}")
        if common:
            reasons.append(source)
        suggestions.append(
            Suggestion(
                supplier=supplier,
                score=score,
                capabilities_matched=matched,
                capabilities_wanted=len(wanted_caps),
                serves_region=serves,
                text_source=source if common else "",
                reason=", ".join(reasons),
                invited=supplier.pk in invited,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.supplier.display_name.lower(), s.supplier.pk))
    return suggestions[:limit]
