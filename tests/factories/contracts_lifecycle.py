"""Set-ups for the contract lifecycle tests: funded applications, contracts in any status."""

from __future__ import annotations

import datetime

from django.utils import timezone

from challenges.models import Application, Challenge
from contracts.models import Contract, Milestone
from contracts.services import contracts as svc
from tests.factories.applications import ApplicationFactory, buyer_for
from tests.factories.challenges import open_challenge
from tests.factories.contracts import ContractFactory, MilestoneFactory

CONTRACT_STATUSES = [s.value for s in Contract.Status]


def funded_application(*, requested_pence=4_000_000, challenge=None, **kwargs) -> Application:
    """A funded application to phase 1 (£50,000 a contract, 16 weeks) of a decided challenge,
    whose author is a buyer of the challenge's organisation."""
    if challenge is None:
        challenge = open_challenge(
            ip_terms="The supplier keeps the foreground IP; the council gets a free licence.",
            data_terms="No personal data leaves the council's systems.",
        )
        author = buyer_for(challenge)
        Challenge.objects.filter(pk=challenge.pk).update(
            status=Challenge.Status.DECIDED, decided_at=timezone.now(), created_by=author
        )
        challenge.refresh_from_db()
    kwargs.setdefault("decided_at", timezone.now())
    return ApplicationFactory(
        phase=challenge.phases.get(number=1),
        submitted=True,
        status=Application.Status.FUNDED,
        requested_pence=requested_pence,
        **kwargs,
    )


def new_contract(**kwargs) -> Contract:
    """A draft contract made by the service (with its 30/40/30 milestone plan)."""
    return svc.contract_create_from_application(application=funded_application(**kwargs))


def contract_in(status: str, **kwargs) -> Contract:
    """A contract in ``status`` with two scheduled milestones (£20,000 and £30,000)."""
    now = timezone.now()
    extra = {}
    if status != Contract.Status.DRAFT:
        extra = {"accepted_at": now, "accepted_name": "Sam Supplier"}
    if status == Contract.Status.TERMINATED:
        extra["termination_reason"] = "Stopped."
        extra["terminated_at"] = now
    if status == Contract.Status.COMPLETED:
        extra["completed_at"] = now
    contract = ContractFactory(status=status, **extra, **kwargs)
    MilestoneFactory(contract=contract, order=1, value_pence=2_000_000, title="Discovery report")
    MilestoneFactory(
        contract=contract,
        order=2,
        value_pence=3_000_000,
        title="Working prototype",
        due_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    return contract


def milestones(contract: Contract) -> list[Milestone]:
    return list(contract.milestones.order_by("order"))
