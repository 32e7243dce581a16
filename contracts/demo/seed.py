"""Build the demo contracts (see the package docstring for the story)."""

from __future__ import annotations

import datetime
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from challenges.demo import NORTHERN_SENSORS
from challenges.models import Application
from marketplace.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_TOTP_SECRET
from marketplace.accounts.models import Membership, Organisation, Role, User

from ..models import Claim, Contract, Milestone, OutcomeMetric, Payment
from ..services import claims as claiming
from ..services.contracts import (
    contract_accept,
    contract_create_from_application,
    contract_refresh_rag,
)
from ..services.payments import payment_execute, payment_mark_paid

PASSWORD = "contracts-demo-local"  # noqa: S105 - published demo value, local use only
EMAIL_DOMAIN = f"contracts.{DEMO_EMAIL_DOMAIN}"
DFT = "department-for-transport"
MFT = "manchester-university-nhs-foundation-trust"
SHEFFIELD = "sheffield-steel-robotics-ltd"
IPSWICH = "ipswich-port-logistics-ltd"
BRIGHTON = "brighton-behavioural-design-ltd"

# Commissioners of the buyers whose challenges have funded applications.
COMMISSIONERS = (
    ("dft-commissioner", "Imran Qureshi", DFT),
    ("mft-commissioner", "Laura Bennett", MFT),
)
ORGANISATION_NAMES = {
    DFT: "Department for Transport",
    MFT: "Manchester University NHS Foundation Trust",
}


def _email(key: str) -> str:
    return f"{key}@{EMAIL_DOMAIN}"


def accounts_table() -> list[tuple[str, str, str, str]]:
    return [
        (f"Commissioner, {ORGANISATION_NAMES[org]}", _email(key), PASSWORD, "yes")
        for key, _name, org in COMMISSIONERS
    ]


def _ensure_commissioners() -> dict[str, User]:
    users = {}
    for key, name, org_slug in COMMISSIONERS:
        user = User.objects.filter(email__iexact=_email(key)).first()
        if user is None:
            user = User.objects.create_user(email=_email(key), password=PASSWORD, full_name=name)
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Membership.objects.get_or_create(
            user=user,
            organisation=Organisation.objects.get(slug=org_slug),
            role=Role.COMMISSIONER,
        )
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users[org_slug] = user
    return users


def _supplier_admin(contract: Contract) -> User:
    membership = (
        Membership.objects.filter(
            organisation=contract.supplier.organisation, role=Role.SUPPLIER_ADMIN
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise RuntimeError(f"{contract.supplier} has no supplier admin to accept its contract")
    return membership.user


def _accept(contract: Contract) -> tuple[Contract, User]:
    supplier = _supplier_admin(contract)
    if contract.status == Contract.Status.DRAFT:
        name = supplier.full_name or "Demo Supplier"
        contract = contract_accept(contract=contract, by=supplier, typed_name=name)
    return contract, supplier


def _pay(payment: Payment, commissioner: User, *, paid: bool) -> Payment:
    """Send the payment to the finance team now (the ledger), and mark it paid if ``paid``."""
    payment = payment_execute(payment_id=payment.pk)
    if paid:
        payment = payment_mark_paid(payment=payment, by=commissioner)
    return payment


def _milestones(contract: Contract) -> list[Milestone]:
    return list(contract.milestones.order_by("order", "due_on", "pk"))


def _meet(milestone: Milestone, supplier: User, commissioner: User, *, paid: bool) -> None:
    claim = claiming.claim_submit_milestone(
        milestone=milestone,
        by=supplier,
        notes=f"{milestone.title}: delivered as planned. The report is attached to our email.",
    )
    payment = claiming.claim_approve(claim=claim, by=commissioner)
    _pay(payment, commissioner, paid=paid)


def _claim(milestone: Milestone, supplier: User) -> None:
    claiming.claim_submit_milestone(
        milestone=milestone,
        by=supplier,
        notes=f"{milestone.title}: done. We ran the trial on 12 sites; results in the report.",
    )


def _outcome_story(contract: Contract, supplier: User, commissioner: User) -> None:
    """£1,200 per resident supported into work, target 150, cap £150,000: claims in every
    state, payments paid and pending."""
    metric = OutcomeMetric.objects.create(
        contract=contract,
        order=1,
        name="Residents supported into work",
        definition=(
            "A resident referred by the trust who starts a job of 16 hours a week or more and "
            "is still in it 13 weeks later."
        ),
        unit="resident supported into work",
        tariff_pence=120_000,
        target=150,
        cap_pence=15_000_000,
        validation_method="Council case records matched with HMRC employment data",
        reporting_period=OutcomeMetric.Period.QUARTERLY,
        baseline=40,
        baseline_note="Residents supported into work in the year before the contract",
    )
    today = timezone.localdate()

    def period(quarters_ago: int) -> tuple[datetime.date, datetime.date]:
        end = today - datetime.timedelta(days=1 + 91 * quarters_ago)
        return end - datetime.timedelta(days=90), end

    def submit(quarters_ago: int, units: int, notes: str) -> Claim:
        start, end = period(quarters_ago)
        return claiming.claim_submit_outcome(
            metric=metric,
            by=supplier,
            period_start=start,
            period_end=end,
            units=units,
            notes=notes,
        )

    # Approved in full and paid.
    paid = submit(5, 12, "12 residents in work for 13 weeks; case numbers in the attached list.")
    _pay(claiming.claim_approve(claim=paid, by=commissioner), commissioner, paid=True)
    # Approved in part; its payment is with the finance team.
    part = submit(4, 15, "15 residents started work this quarter.")
    payment = claiming.claim_approve_part(
        claim=part,
        by=commissioner,
        units=11,
        reason="4 of the 15 left work before 13 weeks, so they do not count yet.",
    )
    _pay(payment, commissioner, paid=False)
    # Rejected.
    rejected = submit(3, 9, "9 residents found work through the scheme.")
    claiming.claim_reject(
        claim=rejected,
        by=commissioner,
        reason="The case records show these residents were referred by another scheme.",
    )
    # Queried: waiting for the supplier's answer.
    queried = submit(2, 14, "14 residents supported into work.")
    claiming.claim_query(
        claim=queried,
        by=commissioner,
        question="Can you send the employers' confirmation for the 6 residents in retail jobs?",
    )
    # Queried, answered, and back with the commissioner.
    answered = submit(1, 8, "8 residents supported into work.")
    claiming.claim_query(
        claim=answered, by=commissioner, question="Were any of these residents already in work?"
    )
    claiming.claim_respond(
        claim=answered, by=supplier, answer="No: all 8 were unemployed for 6 months or more."
    )
    # Submitted this week, not looked at yet.
    submit(0, 10, "10 residents supported into work; case numbers attached.")


def _funded(slug: str) -> Application | None:
    return (
        Application.objects.filter(supplier__slug=slug, status=Application.Status.FUNDED)
        .select_related("phase")
        .order_by("phase__number", "pk")
        .first()
    )


@transaction.atomic
def seed(stdout: TextIO | None = None) -> list[Contract]:
    """Create the demo contracts that do not exist yet. Returns the demo contracts."""
    if not Organisation.objects.filter(slug=DFT).exists():
        if stdout is not None:
            stdout.write("Contracts: seed the demo challenges first\n")
        return []
    commissioners = _ensure_commissioners()
    contracts = []
    with override_settings(PAYMENT_PROVIDER="ledger"):
        for slug in (NORTHERN_SENSORS, SHEFFIELD, IPSWICH, BRIGHTON):
            application = _funded(slug)
            if application is None:
                continue
            contract = contract_create_from_application(application=application)
            contracts.append(contract)
            commissioner = commissioners.get(contract.buyer.slug)
            if commissioner is None or contract.claims.exists():
                continue
            contract, supplier = _accept(contract)
            milestones = _milestones(contract)
            if slug == NORTHERN_SENSORS:
                _meet(milestones[0], supplier, commissioner, paid=True)
                _claim(milestones[1], supplier)
            elif slug == SHEFFIELD:
                _meet(milestones[0], supplier, commissioner, paid=False)
            elif slug == IPSWICH:
                _meet(milestones[0], supplier, commissioner, paid=True)
                # The second milestone's date has passed with nothing delivered.
                Milestone.objects.filter(pk=milestones[1].pk).update(
                    due_on=timezone.localdate() - datetime.timedelta(days=20)
                )
                contract_refresh_rag(contract=contract)
            elif slug == BRIGHTON:
                _outcome_story(contract, supplier, commissioner)
    if stdout is not None:
        stdout.write(f"Contracts: {len(contracts)} demo contracts\n")
    return contracts
