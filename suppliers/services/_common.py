"""Shared pieces of the supplier services: status sets, limits, messages, Companies House and VAT
normalisers, and the row-locking, validation, notification and slug helpers every write uses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import vat as gb_vat

from marketplace.core.errors import InvalidTransition, ValidationFailed

from .. import permissions  # noqa: F401  (registers the suppliers.* rules permissions)
from ..models import SupplierProfile

Status = SupplierProfile.Status

EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.APPROVED)
SUBMITTABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
REVIEWABLE = (Status.SUBMITTED,)
SUSPENDABLE = (Status.APPROVED,)
REINSTATABLE = (Status.SUSPENDED,)

MAX_STAFF = 5_000_000
MAX_REASONS_LENGTH = 5000

# Slugs that would shadow fixed paths under /suppliers/.
RESERVED_SLUGS = {"join", "new", "search", "map", "api", "export", "csv"}

# --- Companies House company numbers ----------------------------------------------------------
# Companies registered in England and Wales have 8 digits (leading zeros count). Everything else
# has a two-character prefix followed by 6 digits.
COMPANY_NUMBER_PREFIXES: dict[str, str] = {
    "SC": "Company registered in Scotland",
    "NI": "Company registered in Northern Ireland",
    "R0": "Company registered in Northern Ireland before partition",
    "OC": "Limited liability partnership (England and Wales)",
    "SO": "Limited liability partnership (Scotland)",
    "NC": "Limited liability partnership (Northern Ireland)",
    "LP": "Limited partnership (England and Wales)",
    "SL": "Limited partnership (Scotland)",
    "NL": "Limited partnership (Northern Ireland)",
    "FC": "Overseas company (England and Wales)",
    "SF": "Overseas company (Scotland)",
    "NF": "Overseas company (Northern Ireland)",
    "GE": "European Economic Interest Grouping (England and Wales)",
    "GS": "European Economic Interest Grouping (Scotland)",
    "GN": "European Economic Interest Grouping (Northern Ireland)",
    "IP": "Industrial and provident society (England and Wales)",
    "SP": "Industrial and provident society (Scotland)",
    "NP": "Industrial and provident society (Northern Ireland)",
    "RS": "Registered society",
    "IC": "Investment company with variable capital (England and Wales)",
    "SI": "Investment company with variable capital (Scotland)",
    "NV": "Investment company with variable capital (Northern Ireland)",
    "RC": "Royal Charter company (England and Wales)",
    "SR": "Royal Charter company (Scotland)",
    "NR": "Royal Charter company (Northern Ireland)",
    "SE": "European public limited-liability company (Societas Europaea)",
    "CE": "Charitable incorporated organisation (England and Wales)",
    "CS": "Charitable incorporated organisation (Scotland)",
    "AC": "Assurance company (England and Wales)",
    "SA": "Assurance company (Scotland)",
    "NA": "Assurance company (Northern Ireland)",
    "ZC": "Unregistered company (England and Wales)",
    "SZ": "Unregistered company (Scotland)",
    "NZ": "Unregistered company (Northern Ireland)",
}
_COMPANY_NUMBER_RE = re.compile(r"^(?:\d{8}|(?P<prefix>[A-Z][A-Z0-9])\d{6})$")

COMPANY_NUMBER_FORMAT_MESSAGE = (
    "Enter a company number in the correct format: 8 digits, like 01234567, or 2 letters and "
    "6 digits, like SC123456"
)
COMPANY_NUMBER_TAKEN_MESSAGE = (
    "An organisation with this company number has already joined. If it is yours, ask its "
    "supplier admin to invite you"
)
VAT_NUMBER_MESSAGE = (
    "Enter a real UK VAT number, like GB 123 4567 89. Check it against your VAT certificate"
)
CERTIFICATE_EXPIRED_MESSAGE = (
    "The expiry date must be today or in the future. You cannot add a certificate that has expired"
)


def normalise_company_number(value: str) -> str:
    """Return the company number in Companies House form, or raise ``ValidationFailed``."""
    compact = re.sub(r"[\s\-]", "", value or "").upper()
    if not compact:
        return ""
    match = _COMPANY_NUMBER_RE.match(compact)
    if not match or (match["prefix"] and match["prefix"] not in COMPANY_NUMBER_PREFIXES):
        raise ValidationFailed(COMPANY_NUMBER_FORMAT_MESSAGE, field="company_number")
    return compact


def normalise_vat_number(value: str) -> str:
    """Return a checked UK VAT number as ``GB`` + digits, or raise ``ValidationFailed``."""
    if not (value or "").strip():
        return ""
    if len(value) > 30:
        raise ValidationFailed(VAT_NUMBER_MESSAGE, field="vat_number")
    try:
        return "GB" + gb_vat.validate(value)
    except StdnumValidationError:
        raise ValidationFailed(VAT_NUMBER_MESSAGE, field="vat_number") from None


def _lock(profile: SupplierProfile) -> SupplierProfile:
    return SupplierProfile.objects.select_for_update().get(pk=profile.pk)


def _raise_for(exc: ValidationError) -> None:
    """Turn a model ``ValidationError`` into the first user-facing ``ValidationFailed``."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        raise ValidationFailed(
            str(errors[0].messages[0]), field=None if field == "__all__" else field
        ) from exc
    raise ValidationFailed(exc.messages[0]) from exc


def _save(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        _raise_for(exc)
    obj.save()


def _notify(profile: SupplierProfile, event: str) -> None:
    from ..tasks import send_profile_status_email

    profile_id = profile.pk
    transaction.on_commit(lambda: send_profile_status_email.delay(profile_id, event))


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "supplier"
    if base in RESERVED_SLUGS:
        base = f"{base}-supplier"
    slug, n = base, 2
    while SupplierProfile.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _ensure_editable(profile: SupplierProfile) -> None:
    if profile.status not in EDITABLE:
        raise InvalidTransition(
            f"You cannot change your profile while it is {profile.get_status_display().lower()}."
        )


def _mark_step(profile: SupplierProfile, step: str | None) -> None:
    if step and step not in profile.completed_steps:
        profile.completed_steps = [*profile.completed_steps, step]
