"""Entry point: make the colleague accounts, then build each demo challenge once."""

from __future__ import annotations

import datetime
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.demo import DEMO_TOTP_SECRET
from marketplace.accounts.models import Membership, Organisation, Role, User
from suppliers.models import SupplierProfile

from ..models import (
    Challenge,
)
from .catalogue import CHALLENGES
from .specs import DFT, LEEDS, MFT, NORTHERN_SENSORS, PROGRAMME, STAFF, STAFF_PASSWORD
from .story import _build

# --- Accounts ----------------------------------------------------------------------------------


def _ensure_staff(stdout: TextIO | None) -> None:
    for spec in STAFF:
        user = User.objects.filter(email__iexact=spec.email).first()
        if user is None:
            user = User.objects.create_user(
                email=spec.email, password=STAFF_PASSWORD, full_name=spec.full_name
            )
            if stdout is not None:
                stdout.write(f"Created account {spec.email}\n")
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Membership.objects.get_or_create(
            user=user, organisation=Organisation.objects.get(slug=spec.organisation), role=spec.role
        )
        needs_totp = spec.role == Role.BUYER
        if (
            needs_totp
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)


def accounts_table() -> list[tuple[str, str, str, str]]:
    names = {
        LEEDS: "Leeds City Council",
        MFT: "Manchester University NHS Foundation Trust",
        DFT: "Department for Transport",
    }
    return [
        (
            f"{Role(spec.role).label}, {names[spec.organisation]}",
            spec.email,
            STAFF_PASSWORD,
            "yes" if spec.role == Role.BUYER else "no",
        )
        for spec in STAFF
    ]


# --- Entry point -------------------------------------------------------------------------------


@transaction.atomic
def seed(stdout: TextIO | None = None) -> list[Challenge]:
    """Create the demo challenges that do not exist yet. Returns every demo challenge."""
    missing = [
        slug
        for slug in (LEEDS, MFT, DFT, PROGRAMME, NORTHERN_SENSORS)
        if not Organisation.objects.filter(slug=slug).exists()
    ]
    if missing or not SupplierProfile.objects.filter(slug=NORTHERN_SENSORS).exists():
        if stdout is not None:
            stdout.write("Challenges: seed the demo accounts and suppliers first\n")
        return []
    _ensure_staff(stdout)
    # Dates in the stories are whole days from the next noon (UK time), so the pages show
    # "12pm" as a buyer would set it, not the minute the seed happened to run.
    now = timezone.localtime()
    anchor = now.replace(hour=12, minute=0, second=0, microsecond=0)
    if anchor <= now:
        anchor += datetime.timedelta(days=1)
    created = 0
    for spec in CHALLENGES:
        if Challenge.objects.filter(slug=spec.slug).exists():
            continue
        _build(spec, anchor)
        created += 1
    if stdout is not None:
        stdout.write(f"Challenges: {len(CHALLENGES)} demo challenges ({created} new)\n")
    return list(Challenge.objects.filter(slug__in=[spec.slug for spec in CHALLENGES]))
