"""Demo organisations and one account per role, for ``manage.py seed_demo`` (local use only).

Every function is idempotent: it looks things up by a stable key (email, slug) and only writes
what is missing or different, so running ``manage.py seed_demo`` twice changes nothing.
Registered as a ``DemoSeeder`` in ``AccountsConfig.ready()``.

The passwords and the TOTP secret below are published on purpose. They are for a developer's
own machine only, which is why ``seed_demo`` refuses to run with DEBUG off unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.db import transaction

from .models import Membership, Organisation, Role, User

# Shared by every demo account that must use two-factor: add it to an authenticator app, or
# run `manage.py demo_totp` for the current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - published demo value
DEMO_EMAIL_DOMAIN = "demo.marketplace.localhost"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    buyer_type: str = ""
    website: str = ""


@dataclass(frozen=True)
class DemoAccount:
    key: str
    full_name: str
    password: str
    organisation: str | None  # slug, or None for a platform admin
    role: str | None
    two_factor: bool = False
    staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_EMAIL_DOMAIN}"


DEMO_ORGANISATIONS = [
    DemoOrganisation(
        "leeds-city-council",
        "Leeds City Council",
        Organisation.Kind.BUYER,
        Organisation.BuyerType.LOCAL_AUTHORITY,
        "https://www.leeds.gov.uk",
    ),
    DemoOrganisation(
        "manchester-university-nhs-foundation-trust",
        "Manchester University NHS Foundation Trust",
        Organisation.Kind.BUYER,
        Organisation.BuyerType.NHS,
        "https://mft.nhs.uk",
    ),
    DemoOrganisation(
        "department-for-transport",
        "Department for Transport",
        Organisation.Kind.BUYER,
        Organisation.BuyerType.CENTRAL_GOVERNMENT,
        "https://www.gov.uk/government/organisations/department-for-transport",
    ),
    DemoOrganisation(
        "northern-public-services-innovation-programme",
        "Northern Public Services Innovation Programme",
        Organisation.Kind.PROGRAMME,
    ),
    DemoOrganisation("northern-sensors-ltd", "Northern Sensors Ltd", Organisation.Kind.SUPPLIER),
]

# Local-only passwords, printed by seed_demo and listed in the README.
DEMO_ACCOUNTS = [
    DemoAccount(
        "buyer",
        "Priya Shah",
        "buyer-demo-local",
        "leeds-city-council",
        Role.BUYER,
        two_factor=True,
    ),
    DemoAccount(
        "commissioner",
        "Tom Okafor",
        "commissioner-demo-local",
        "leeds-city-council",
        Role.COMMISSIONER,
        two_factor=True,
    ),
    DemoAccount(
        "assessor",
        "Helen Carter",
        "assessor-demo-local",
        "northern-public-services-innovation-programme",
        Role.ASSESSOR,
    ),
    DemoAccount(
        "supplier",
        "Sam Patel",
        "supplier-demo-local",
        "northern-sensors-ltd",
        Role.SUPPLIER_ADMIN,
    ),
    DemoAccount(
        "supplier-member",
        "Jo Nowak",
        "supplier-member-demo-local",
        "northern-sensors-ltd",
        Role.SUPPLIER_MEMBER,
    ),
    DemoAccount(
        "admin",
        "Alex Morgan",
        "admin-demo-local",
        None,
        None,
        two_factor=True,
        staff=True,
    ),
]


def current_demo_totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    """The code an authenticator app shows right now for ``secret``."""
    counters = list(yield_hotp_counters_from_time())
    # allauth yields the current period with a tolerance either side; the middle one is now.
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _write(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


@transaction.atomic
def seed_organisations(stdout: TextIO | None = None) -> dict[str, Organisation]:
    organisations = {}
    for spec in DEMO_ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "buyer_type": spec.buyer_type,
                "website": spec.website,
            },
        )
        if created:
            _write(stdout, f"Created organisation {spec.name}")
        organisations[spec.slug] = organisation
    return organisations


def _ensure_user(spec: DemoAccount, stdout: TextIO | None) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User(email=spec.email)
        _write(stdout, f"Created account {spec.email}")
    changed = user.pk is None
    for field, value in (
        ("full_name", spec.full_name),
        ("is_staff", spec.staff),
        ("is_superuser", spec.staff),
        ("is_active", True),
    ):
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed = True
    # Someone may have changed a demo password while trying things out: put it back, so the
    # printed table is always true. check_password keeps a second run from writing anything.
    if not user.has_usable_password() or not user.check_password(spec.password):
        user.set_password(spec.password)
        changed = True
    if changed:
        user.full_clean()
        user.save()
    return user


def _ensure_verified_email(user: User) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def _ensure_totp(user: User) -> None:
    # Only when none is active: replacing an authenticator would lock out whoever set it up.
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


@transaction.atomic
def seed_accounts(stdout: TextIO | None = None) -> dict[str, User]:
    """Create the demo organisations and one account per role. Returns users by account key."""
    organisations = seed_organisations(stdout)
    users = {}
    for spec in DEMO_ACCOUNTS:
        user = _ensure_user(spec, stdout)
        _ensure_verified_email(user)
        if spec.organisation and spec.role:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[spec.organisation], role=spec.role
            )
        if spec.two_factor:
            _ensure_totp(user)
        users[spec.key] = user
    return users


def accounts_table() -> list[tuple[str, str, str, str]]:
    """Rows for the table ``seed_demo`` prints: (role, email, password, two-factor)."""
    organisations = {org.slug: org.name for org in DEMO_ORGANISATIONS}
    return [
        (
            "Platform admin"
            if account.staff
            else f"{account.role.label}, {organisations[account.organisation]}",
            account.email,
            account.password,
            "yes" if account.two_factor else "no",
        )
        for account in DEMO_ACCOUNTS
    ]


TOTP_NOTE = (
    f"Two-factor accounts share the authenticator secret {DEMO_TOTP_SECRET}. Add it to an "
    "authenticator app, or run `python manage.py demo_totp` for the current 6-digit code "
    "(each code works once)."
)
