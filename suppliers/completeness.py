"""How complete a supplier profile is: a 0-100 score and a checklist of what is missing.

Required items must be done before the profile can be submitted for review
(``services.profile_submit``). The score counts required items only: optional items (an
innovation claim, a website, a logo, evidence for buyers) help buyers choose but are listed as
optional, so leaving them out never makes a finished profile look unfinished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import SupplierProfile


@dataclass(frozen=True)
class Check:
    key: str
    label: str  # what is missing, in the supplier's words
    required: bool
    weight: int
    done: Callable[[SupplierProfile], bool]


def _answered(step: str) -> Callable[[SupplierProfile], bool]:
    return lambda p: step in (p.completed_steps or [])


CHECKS: tuple[Check, ...] = (
    Check("name", "Your organisation’s legal name", True, 5, lambda p: bool(p.legal_name)),
    Check(
        "company",
        "A company number or charity number",
        True,
        10,
        lambda p: bool(p.company_number or p.charity_number),
    ),
    Check("about", "A summary of what your organisation does", True, 10, lambda p: bool(p.summary)),
    Check(
        "contact",
        "A contact name and email address",
        True,
        10,
        lambda p: bool(p.contact_name and p.contact_email),
    ),
    Check(
        "size",
        "Staff numbers, turnover and balance sheet total",
        True,
        10,
        lambda p: bool(p.size_band),
    ),
    Check("vcse", "Whether you are a VCSE organisation", True, 5, _answered("vcse")),
    Check(
        "address",
        "Your address and postcode",
        True,
        10,
        lambda p: bool(p.postcode and p.latitude is not None),
    ),
    Check(
        "regions",
        "Where you can work",
        True,
        10,
        lambda p: p.serves_whole_uk or p.remote_delivery or _has(p, "regions_served"),
    ),
    Check(
        "capabilities",
        "What your organisation does, from the list of capabilities",
        True,
        10,
        lambda p: _has(p, "capabilities"),
    ),
    Check(
        "innovation",
        "Your innovation claim and evidence",
        False,
        5,
        lambda p: bool(p.innovation_type and p.innovation_evidence),
    ),
    Check("website", "Your website", False, 2, lambda p: bool(p.website)),
    Check("logo", "Your logo", False, 3, lambda p: bool(p.logo)),
    Check(
        "certifications",
        "At least one current certification",
        False,
        3,
        lambda p: any(not c.is_expired for c in p.certifications.all()),
    ),
    Check("case_studies", "At least one case study", False, 4, lambda p: _has(p, "case_studies")),
    Check(
        "listings",
        "At least one product, service or proof-of-concept offer",
        False,
        3,
        lambda p: _has(p, "listings"),
    ),
)
CHECKS_BY_KEY = {check.key: check for check in CHECKS}


def _has(profile: SupplierProfile, relation: str) -> bool:
    """True when the related set is non-empty, using prefetched rows when there are any."""
    if profile.pk is None:
        return False
    cache = getattr(profile, "_prefetched_objects_cache", {})
    if relation in cache:
        return bool(cache[relation])
    return getattr(profile, relation).exists()


@dataclass(frozen=True)
class Completeness:
    score: int
    done: tuple[Check, ...]
    missing: tuple[Check, ...]

    @property
    def missing_required(self) -> tuple[Check, ...]:
        return tuple(c for c in self.missing if c.required)

    @property
    def missing_optional(self) -> tuple[Check, ...]:
        return tuple(c for c in self.missing if not c.required)

    @property
    def ready_to_submit(self) -> bool:
        return not self.missing_required

    def is_done(self, key: str) -> bool:
        return any(c.key == key for c in self.done)


def completeness(profile: SupplierProfile) -> Completeness:
    done, missing = [], []
    for check in CHECKS:
        (done if check.done(profile) else missing).append(check)
    required_total = sum(c.weight for c in CHECKS if c.required)
    required_done = sum(c.weight for c in done if c.required)
    score = round(100 * required_done / required_total)
    return Completeness(score=score, done=tuple(done), missing=tuple(missing))


def missing_required(profile: SupplierProfile) -> tuple[Check, ...]:
    return completeness(profile).missing_required
