"""Limits and input shapes that forms and services share, so forms never import services."""

from __future__ import annotations

from dataclasses import dataclass

# Challenge documents and place.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_RADIUS_MILES = 500

# Applications.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_KINDS = ("pdf", "docx", "odt")
MAX_ANSWER_CHARACTERS = 60_000  # a 5,000-word limit with long words; stops abuse, not people

# Assessment comments, conflict details, feedback and moderation reasons.
MAX_COMMENT = 5000


@dataclass(frozen=True)
class PhaseDetails:
    """What a buyer sets for a phase (the envelope is computed, never typed)."""

    name: str
    budget_per_contract_pence: int
    max_contracts: int
    duration_weeks: int
    opens_at: object = None
    closes_at: object = None
    description: str = ""
    min_assessors: int = 2
    blind_assessment: bool = False
