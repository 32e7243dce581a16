"""Evidence on a supplier profile: certifications, case studies and listings (products, services
and proof-of-concept offers)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import ValidationFailed

from ..limits import CERTIFICATE_EXPIRED_MESSAGE
from ..models import Capability, CaseStudy, Certification, Listing, SupplierProfile
from ._editing import _ensure_editable
from ._persist import _lock, _save

# --- Evidence: certifications, case studies, listings ----------------------------------------


def _check_certificate_dates(expires_on: datetime.date | None) -> None:
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationFailed(CERTIFICATE_EXPIRED_MESSAGE, field="expires_on")


@transaction.atomic
def certification_add(*, profile: SupplierProfile, by: User, **fields: Any) -> Certification:
    profile = _lock(profile)
    _ensure_editable(profile)
    _check_certificate_dates(fields.get("expires_on"))
    certification = Certification(profile=profile, **fields)
    _save(certification)
    audit(by, "supplier.certification_added", profile, certification=certification.name)
    return certification


@transaction.atomic
def certification_update(*, certification: Certification, by: User, **fields: Any) -> Certification:
    profile = _lock(certification.profile)
    _ensure_editable(profile)
    _check_certificate_dates(fields.get("expires_on"))
    for name, value in fields.items():
        setattr(certification, name, value)
    _save(certification)
    audit(by, "supplier.certification_updated", profile, certification=certification.name)
    return certification


@transaction.atomic
def certification_remove(*, certification: Certification, by: User) -> None:
    profile = _lock(certification.profile)
    _ensure_editable(profile)
    name = certification.name
    certification.delete()
    audit(by, "supplier.certification_removed", profile, certification=name)


@transaction.atomic
def case_study_add(*, profile: SupplierProfile, by: User, **fields: Any) -> CaseStudy:
    profile = _lock(profile)
    _ensure_editable(profile)
    case_study = CaseStudy(profile=profile, **fields)
    _check_case_study_dates(case_study)
    _save(case_study)
    audit(by, "supplier.case_study_added", profile, title=case_study.title)
    return case_study


def _check_case_study_dates(case_study: CaseStudy) -> None:
    if (
        case_study.start_date
        and case_study.end_date
        and case_study.end_date < case_study.start_date
    ):
        raise ValidationFailed(
            "The end date must be the same as or after the start date", field="end_date"
        )


@transaction.atomic
def case_study_update(*, case_study: CaseStudy, by: User, **fields: Any) -> CaseStudy:
    profile = _lock(case_study.profile)
    _ensure_editable(profile)
    for name, value in fields.items():
        setattr(case_study, name, value)
    _check_case_study_dates(case_study)
    _save(case_study)
    audit(by, "supplier.case_study_updated", profile, title=case_study.title)
    return case_study


@transaction.atomic
def case_study_remove(*, case_study: CaseStudy, by: User) -> None:
    profile = _lock(case_study.profile)
    _ensure_editable(profile)
    title = case_study.title
    case_study.delete()
    audit(by, "supplier.case_study_removed", profile, title=title)


@transaction.atomic
def listing_add(
    *,
    profile: SupplierProfile,
    by: User,
    capabilities: Iterable[Capability] = (),
    **fields: Any,
) -> Listing:
    profile = _lock(profile)
    _ensure_editable(profile)
    listing = Listing(profile=profile, **fields)
    _save(listing)
    listing.capabilities.set(list(capabilities))
    audit(by, "supplier.listing_added", profile, title=listing.title, kind=listing.kind)
    return listing


@transaction.atomic
def listing_update(
    *,
    listing: Listing,
    by: User,
    capabilities: Iterable[Capability] | None = None,
    **fields: Any,
) -> Listing:
    profile = _lock(listing.profile)
    _ensure_editable(profile)
    for name, value in fields.items():
        setattr(listing, name, value)
    _save(listing)
    if capabilities is not None:
        listing.capabilities.set(list(capabilities))
    audit(by, "supplier.listing_updated", profile, title=listing.title)
    return listing


@transaction.atomic
def listing_remove(*, listing: Listing, by: User) -> None:
    profile = _lock(listing.profile)
    _ensure_editable(profile)
    title = listing.title
    listing.delete()
    audit(by, "supplier.listing_removed", profile, title=title)
