"""Factories for contracts: a contract from a funded application, milestones, outcome metrics.

``ContractFactory`` builds a draft contract (£50,000) for a funded application to phase 1 of a
decided challenge. Traits: ``active`` (accepted by the supplier). ``contract_with_plan()`` adds
two milestones and an outcome metric and returns the contract; ``commissioner_for(contract)``
and ``supplier_admin_for(contract)`` return users with those roles.
"""

import datetime

import factory
from django.utils import timezone

from challenges.models import Application, Challenge
from contracts.models import (
    Claim,
    Contract,
    Milestone,
    OutcomeMetric,
    PhaseBudget,
)
from marketplace.accounts.models import Role
from tests.factories.accounts import MembershipFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.challenges import open_challenge


def _funded_application() -> Application:
    challenge = open_challenge()
    Challenge.objects.filter(pk=challenge.pk).update(
        status=Challenge.Status.DECIDED, decided_at=timezone.now()
    )
    return ApplicationFactory(
        phase=challenge.phases.get(number=1),
        submitted=True,
        status=Application.Status.FUNDED,
        decided_at=timezone.now(),
        requested_pence=5_000_000,
    )


_counter = iter(range(1, 10**9))


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    application = factory.LazyFunction(_funded_application)
    reference = factory.LazyFunction(lambda: f"CON-TEST-{next(_counter):06d}")
    challenge = factory.LazyAttribute(lambda o: o.application.phase.challenge)
    phase = factory.LazyAttribute(lambda o: o.application.phase)
    buyer = factory.LazyAttribute(lambda o: o.application.phase.challenge.buyer)
    supplier = factory.LazyAttribute(lambda o: o.application.supplier)
    title = factory.LazyAttribute(lambda o: o.application.title or "Feasibility study")
    value_pence = 5_000_000
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=16))
    decided_at = factory.LazyFunction(timezone.now)
    status = Contract.Status.DRAFT

    class Params:
        active = factory.Trait(
            status=Contract.Status.ACTIVE,
            accepted_at=factory.LazyFunction(timezone.now),
            accepted_name="Sam Supplier",
        )

    @factory.post_generation
    def budget(self, create, extracted, **kwargs):
        """Every contract's phase has its budget row (the claim review service locks it)."""
        if create:
            PhaseBudget.objects.get_or_create(
                phase=self.phase, defaults={"envelope_pence": self.phase.envelope_pence}
            )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    contract = factory.SubFactory(ContractFactory, active=True)
    order = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Milestone {n}: feasibility report")
    evidence_required = "A written report with the test results."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    value_pence = 2_000_000


class OutcomeMetricFactory(factory.django.DjangoModelFactory):
    """£1,200 per resident supported into work, target 150, cap £150,000."""

    class Meta:
        model = OutcomeMetric

    contract = factory.SubFactory(ContractFactory, active=True, value_pence=20_000_000)
    name = "Residents supported into work"
    definition = "A resident who starts a job of 16 hours a week or more and keeps it 13 weeks."
    unit = "resident supported into work"
    tariff_pence = 120_000
    target = 150
    cap_pence = 15_000_000
    validation_method = "Council case records"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A submitted milestone claim for the whole milestone value (use the services in tests of
    the claim rules; this is for set-ups)."""

    class Meta:
        model = Claim

    milestone = factory.SubFactory(MilestoneFactory)
    contract = factory.LazyAttribute(lambda o: o.milestone.contract)
    kind = Claim.Kind.MILESTONE
    reference = factory.LazyFunction(lambda: f"CLM-TEST-{next(_counter):06d}")
    requested_pence = factory.LazyAttribute(lambda o: o.milestone.value_pence)
    submitted_at = factory.LazyFunction(timezone.now)
    notes = "Report attached."


def contract_with_plan(**kwargs) -> Contract:
    """An active contract worth £200,000 with two milestones (£20,000 and £30,000) and an
    outcome metric (£1,200 a unit, cap £150,000)."""
    kwargs.setdefault("value_pence", 20_000_000)
    contract = ContractFactory(active=True, **kwargs)
    MilestoneFactory(contract=contract, order=1, value_pence=2_000_000, title="Discovery report")
    MilestoneFactory(
        contract=contract,
        order=2,
        value_pence=3_000_000,
        title="Working prototype",
        due_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    OutcomeMetricFactory(contract=contract)
    return contract


def commissioner_for(contract: Contract):
    """A new commissioner of the contract's buying organisation."""
    return MembershipFactory(organisation=contract.buyer, role=Role.COMMISSIONER).user


def buyer_user_for(contract: Contract):
    """A new buyer (not commissioner) of the contract's buying organisation."""
    return MembershipFactory(organisation=contract.buyer, role=Role.BUYER).user


def supplier_admin_for(contract: Contract):
    """A new supplier admin of the contract's supplier."""
    return MembershipFactory(
        organisation=contract.supplier.organisation, role=Role.SUPPLIER_ADMIN
    ).user
