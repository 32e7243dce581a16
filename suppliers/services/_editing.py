"""What every edit of a profile checks and records: the status allows it, the onboarding step
is marked as answered, and a new profile gets a slug that no fixed path uses."""

from __future__ import annotations

from django.utils.text import slugify

from marketplace.core.errors import InvalidTransition

from ..limits import RESERVED_SLUGS
from ..models import SupplierProfile

EDITABLE = SupplierProfile.EDITABLE_STATUSES


def _ensure_editable(profile: SupplierProfile) -> None:
    if profile.status not in EDITABLE:
        raise InvalidTransition(
            f"You cannot change your profile while it is {profile.get_status_display().lower()}."
        )


def _mark_step(profile: SupplierProfile, step: str | None) -> None:
    if step and step not in profile.completed_steps:
        profile.completed_steps = [*profile.completed_steps, step]


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "supplier"
    if base in RESERVED_SLUGS:
        base = f"{base}-supplier"
    slug, n = base, 2
    while SupplierProfile.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
