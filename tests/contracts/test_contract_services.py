"""The contract lifecycle services: made from a funding decision, accepted by the supplier,
completed or ended early by a commissioner; milestones marked not met; portfolio decisions.
Every transition is tried from every status, by the wrong people, and made to fail half way."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError
from django.utils import timezone

from challenges.models import Application
from contracts.models import Contract, ContractDocument, Milestone, PhaseBudget, PortfolioDecision
from contracts.services import contracts as svc
from contracts.signals import contract_ended
from marketplace.accounts.models import Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.contracts import (
    ClaimFactory,
    buyer_user_for,
    commissioner_for,
    supplier_admin_for,
)
from tests.factories.contracts_lifecycle import (
    CONTRACT_STATUSES,
    contract_in,
    funded_application,
    milestones,
    new_contract,
)

pytestmark = pytest.mark.django_db


def refused(allowed):
    return [s for s in CONTRACT_STATUSES if s not in allowed]


def named_admin(contract, name="Priya Shah"):
    return MembershipFactory(
        organisation=contract.supplier.organisation,
        role=Role.SUPPLIER_ADMIN,
        user__full_name=name,
    ).user


def outsiders(contract):
    """People who must never act on ``contract``: a supplier member, a buyer who is not a
    commissioner, a commissioner of another buyer, a competing supplier's admin."""
    other_buyer = OrganisationFactory(kind="buyer")
    competitor = OrganisationFactory(kind="supplier")
    return [
        MembershipFactory(
            organisation=contract.supplier.organisation, role=Role.SUPPLIER_MEMBER
        ).user,
        buyer_user_for(contract),
        MembershipFactory(organisation=other_buyer, role=Role.COMMISSIONER).user,
        MembershipFactory(organisation=competitor, role=Role.SUPPLIER_ADMIN).user,
    ]


# --- Making contracts --------------------------------------------------------------------------


def test_contract_is_made_from_the_funded_application():
    application = funded_application(requested_pence=4_000_000)
    challenge = application.phase.challenge

    contract = svc.contract_create_from_application(application=application)

    assert contract.status == Contract.Status.DRAFT
    assert contract.reference == f"CON-{timezone.localdate().year}-{contract.pk:06d}"
    assert contract.value_pence == 4_000_000
    decided_on = timezone.localdate(application.decided_at)
    assert contract.starts_on == decided_on + datetime.timedelta(days=7)
    assert contract.ends_on == contract.starts_on + datetime.timedelta(weeks=16)
    assert contract.ip_terms == challenge.ip_terms != ""
    assert contract.data_terms == challenge.data_terms != ""
    assert contract.owner == challenge.created_by
    assert (contract.buyer, contract.supplier) == (challenge.buyer, application.supplier)
    budget = PhaseBudget.objects.get(phase=application.phase)
    assert budget.envelope_pence == application.phase.envelope_pence
    assert budget.committed_pence == 0
    assert AuditEvent.objects.filter(verb="contract.created", object_id=str(contract.pk)).exists()


def test_default_milestone_plan_splits_the_value_30_40_30_across_the_duration():
    contract = new_contract(requested_pence=3_333_333)

    plan = milestones(contract)

    assert [m.value_pence for m in plan] == [999_999, 1_333_333, 1_000_001]
    assert sum(m.value_pence for m in plan) == contract.value_pence
    assert plan[-1].due_on == contract.ends_on
    assert contract.starts_on < plan[0].due_on < plan[1].due_on < plan[2].due_on
    assert all(m.evidence_required and m.status == "scheduled" for m in plan)


@pytest.mark.parametrize(
    ("requested", "expected"),
    [(None, 5_000_000), (0, 5_000_000), (4_999_999, 4_999_999), (9_000_000, 5_000_000)],
)
def test_value_is_what_was_asked_never_above_the_budget_per_contract(requested, expected):
    contract = new_contract(requested_pence=requested)
    assert contract.value_pence == expected


def test_owner_is_left_empty_when_the_author_is_not_a_buyer():
    application = funded_application()
    challenge = application.phase.challenge
    challenge.created_by.memberships.all().delete()

    contract = svc.contract_create_from_application(application=application)

    assert contract.owner is None


def test_making_a_contract_twice_returns_the_first():
    application = funded_application()
    first = svc.contract_create_from_application(application=application)
    second = svc.contract_create_from_application(application=application)
    assert first.pk == second.pk
    assert Contract.objects.count() == 1
    assert Milestone.objects.count() == 3


@pytest.mark.parametrize(
    "status", [s for s in Application.Status.values if s != Application.Status.FUNDED]
)
def test_only_a_funded_application_becomes_a_contract(status):
    application = funded_application()
    Application.objects.filter(pk=application.pk).update(status=status)

    with pytest.raises(InvalidTransition):
        svc.contract_create_from_application(application=application)
    assert not Contract.objects.exists()


def test_contracts_for_a_phase_are_made_for_funded_applications_only():
    funded = funded_application()
    challenge = funded.phase.challenge
    other = funded_application(challenge=challenge)
    for status in ("unfunded", "reserve", "ineligible"):
        ApplicationFactory(phase=funded.phase, submitted=True, status=status)

    made = svc.contracts_create_for_phase(phase=funded.phase)

    assert {c.application_id for c in made} == {funded.pk, other.pk}
    assert len(svc.contracts_create_for_phase(phase=funded.phase)) == 2
    assert Contract.objects.count() == 2
    assert PhaseBudget.objects.filter(phase=funded.phase).count() == 1


def test_making_a_contract_is_all_or_nothing(django_capture_on_commit_callbacks):
    application = funded_application()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch.object(svc, "_default_milestones", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.contract_create_from_application(application=application)

    assert callbacks == []
    assert not Contract.objects.exists()
    assert not PhaseBudget.objects.exists()
    assert not ContractDocument.objects.exists()


# --- Acceptance --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft"])
def test_accept_allowed_from(status, django_capture_on_commit_callbacks):
    contract = contract_in(status)
    admin = named_admin(contract)
    commissioner = commissioner_for(contract)

    with django_capture_on_commit_callbacks(execute=True):
        result = svc.contract_accept(contract=contract, by=admin, typed_name="  priya   shah ")

    result.refresh_from_db()
    assert result.status == Contract.Status.ACTIVE
    assert result.accepted_by == admin
    assert result.accepted_name == "priya shah"  # as typed, spaces tidied
    assert result.accepted_at is not None
    assert result.decision_to_active == result.accepted_at - result.decided_at
    event = AuditEvent.objects.get(verb="contract.accepted", object_id=str(contract.pk))
    assert event.payload["previous_status"] == "draft"
    active = [m for m in mail.outbox if m.subject.startswith("Contract accepted and active")]
    assert len(active) == 1
    assert set(active[0].to) == {admin.email, commissioner.email}


@pytest.mark.parametrize("status", refused(["draft"]))
def test_accept_refused_from(status):
    contract = contract_in(status)
    with pytest.raises(InvalidTransition):
        svc.contract_accept(contract=contract, by=named_admin(contract), typed_name="Priya Shah")
    contract.refresh_from_db()
    assert contract.status == status


def test_only_a_supplier_admin_of_the_contract_may_accept():
    contract = contract_in("draft")
    for person in [*outsiders(contract), commissioner_for(contract)]:
        with pytest.raises(PermissionDenied):
            svc.contract_accept(contract=contract, by=person, typed_name="Anyone Atall")
    contract.refresh_from_db()
    assert contract.status == "draft"


@pytest.mark.parametrize("typed", ["", "   ", "Priya", "Priya Sha", "Sam Supplier"])
def test_typed_name_must_be_the_signers_full_name(typed):
    contract = contract_in("draft")
    with pytest.raises(ValidationFailed) as error:
        svc.contract_accept(contract=contract, by=named_admin(contract), typed_name=typed)
    assert error.value.field == "typed_name"
    assert Contract.objects.get(pk=contract.pk).status == "draft"


def test_without_a_full_name_on_record_two_words_are_needed():
    contract = contract_in("draft")
    admin = named_admin(contract, name="")
    with pytest.raises(ValidationFailed):
        svc.contract_accept(contract=contract, by=admin, typed_name="Priya")

    result = svc.contract_accept(contract=contract, by=admin, typed_name="Priya Shah")

    assert result.accepted_name == "Priya Shah"


def test_accepting_is_all_or_nothing(django_capture_on_commit_callbacks):
    contract = contract_in("draft")
    admin = named_admin(contract)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("contracts.services._common.audit", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.contract_accept(contract=contract, by=admin, typed_name="Priya Shah")

    assert callbacks == []
    contract.refresh_from_db()
    assert contract.status == "draft"
    assert contract.accepted_at is None
    assert mail.outbox == []


# --- Completion and termination ----------------------------------------------------------------


@pytest.fixture
def ended():
    received = []

    def receiver(sender, contract, by, **kwargs):
        received.append((contract.pk, contract.status, by))

    contract_ended.connect(receiver, dispatch_uid="test-contract-ended")
    yield received
    contract_ended.disconnect(dispatch_uid="test-contract-ended")


@pytest.mark.parametrize("status", ["active"])
def test_complete_allowed_from(status, ended, django_capture_on_commit_callbacks):
    contract = contract_in(status)
    commissioner = commissioner_for(contract)
    admin = supplier_admin_for(contract)

    with django_capture_on_commit_callbacks(execute=True):
        result = svc.contract_complete(contract=contract, by=commissioner)

    assert result.status == "completed"
    assert result.completed_at is not None
    assert ended == [(contract.pk, "completed", commissioner)]
    assert AuditEvent.objects.filter(verb="contract.completed").exists()
    message = next(m for m in mail.outbox if m.subject.startswith("Contract completed"))
    assert message.to == [admin.email]


@pytest.mark.parametrize("status", refused(["active"]))
def test_complete_refused_from(status, ended):
    contract = contract_in(status)
    with pytest.raises(InvalidTransition):
        svc.contract_complete(contract=contract, by=commissioner_for(contract))
    assert Contract.objects.get(pk=contract.pk).status == status
    assert ended == []


def test_complete_is_refused_while_a_claim_waits_for_review():
    contract = contract_in("active")
    ClaimFactory(milestone=milestones(contract)[0])
    with pytest.raises(ValidationFailed, match="claim waiting"):
        svc.contract_complete(contract=contract, by=commissioner_for(contract))


def test_only_a_commissioner_of_the_buyer_may_complete_or_terminate():
    contract = contract_in("active")
    for person in [*outsiders(contract), supplier_admin_for(contract)]:
        with pytest.raises(PermissionDenied):
            svc.contract_complete(contract=contract, by=person)
        with pytest.raises(PermissionDenied):
            svc.contract_terminate(contract=contract, by=person, reason="Stop.")
    assert Contract.objects.get(pk=contract.pk).status == "active"


@pytest.mark.parametrize("status", ["draft", "active"])
def test_terminate_allowed_from(status, ended, django_capture_on_commit_callbacks):
    contract = contract_in(status)
    commissioner = commissioner_for(contract)
    admin = supplier_admin_for(contract)

    with django_capture_on_commit_callbacks(execute=True):
        result = svc.contract_terminate(
            contract=contract, by=commissioner, reason=" The trial site closed. "
        )

    assert result.status == "terminated"
    assert result.termination_reason == "The trial site closed."
    assert ended == [(contract.pk, "terminated", commissioner)]
    event = AuditEvent.objects.get(verb="contract.terminated")
    assert event.payload == {"previous_status": status, "reason": "The trial site closed."}
    message = next(m for m in mail.outbox if m.subject.startswith("Contract ended early"))
    assert admin.email in message.to
    assert "The trial site closed." in message.body


@pytest.mark.parametrize("status", refused(["draft", "active"]))
def test_terminate_refused_from(status):
    contract = contract_in(status)
    with pytest.raises(InvalidTransition):
        svc.contract_terminate(contract=contract, by=commissioner_for(contract), reason="Stop.")


def test_terminate_needs_a_reason():
    contract = contract_in("active")
    with pytest.raises(ValidationFailed):
        svc.contract_terminate(contract=contract, by=commissioner_for(contract), reason="  ")


def test_terminating_is_all_or_nothing(ended, django_capture_on_commit_callbacks):
    contract = contract_in("active")
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch("contracts.services._common.audit", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.contract_terminate(contract=contract, by=commissioner_for(contract), reason="Stop.")

    contract.refresh_from_db()
    assert (contract.status, contract.termination_reason) == ("active", "")
    assert ended == []
    assert mail.outbox == []


# --- Milestones not met ------------------------------------------------------------------------

MILESTONE_STATUSES = [s.value for s in Milestone.Status]


@pytest.mark.parametrize("status", ["scheduled", "submitted"])
def test_mark_not_met_allowed_from(status):
    contract = contract_in("active")
    milestone = milestones(contract)[0]
    Milestone.objects.filter(pk=milestone.pk).update(status=status)

    result = svc.milestone_mark_not_met(
        milestone=milestone, by=commissioner_for(contract), reason="No report was sent."
    )

    assert result.status == "not_met"
    assert Contract.objects.get(pk=contract.pk).rag == "red"
    event = AuditEvent.objects.get(verb="milestone.not_met")
    assert event.payload == {"previous_status": status, "reason": "No report was sent."}


@pytest.mark.parametrize("status", ["met", "partially_met", "not_met"])
def test_mark_not_met_refused_from(status):
    contract = contract_in("active")
    milestone = milestones(contract)[0]
    Milestone.objects.filter(pk=milestone.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        svc.milestone_mark_not_met(
            milestone=milestone, by=commissioner_for(contract), reason="No report."
        )
    assert Milestone.objects.get(pk=milestone.pk).status == status


@pytest.mark.parametrize("status", refused(["active"]))
def test_mark_not_met_needs_an_active_contract(status):
    contract = contract_in(status)
    with pytest.raises(InvalidTransition):
        svc.milestone_mark_not_met(
            milestone=milestones(contract)[0], by=commissioner_for(contract), reason="No."
        )


def test_mark_not_met_by_anyone_else_is_refused():
    contract = contract_in("active")
    milestone = milestones(contract)[0]
    for person in [*outsiders(contract), supplier_admin_for(contract)]:
        with pytest.raises(PermissionDenied):
            svc.milestone_mark_not_met(milestone=milestone, by=person, reason="No.")


def test_mark_not_met_is_all_or_nothing():
    contract = contract_in("active")
    milestone = milestones(contract)[0]
    with (
        mock.patch.object(svc, "contract_refresh_rag", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.milestone_mark_not_met(
            milestone=milestone, by=commissioner_for(contract), reason="No report."
        )
    assert Milestone.objects.get(pk=milestone.pk).status == "scheduled"
    assert not AuditEvent.objects.filter(verb="milestone.not_met").exists()


# --- Portfolio decisions -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["active", "completed", "terminated"])
def test_portfolio_decision_is_recorded(status):
    contract = contract_in(status)
    commissioner = commissioner_for(contract)

    record = svc.portfolio_decision_record(
        contract=contract, by=commissioner, decision="scale_up", notes="Strong results."
    )

    assert record.decided_by == commissioner
    assert PortfolioDecision.objects.get().decision == "scale_up"
    assert AuditEvent.objects.filter(verb="contract.portfolio_decision").exists()


def test_portfolio_decision_refused_for_a_draft_bad_input_or_outsiders():
    draft = contract_in("draft")
    with pytest.raises(InvalidTransition):
        svc.portfolio_decision_record(
            contract=draft, by=commissioner_for(draft), decision="stop", notes="No."
        )
    contract = contract_in("active")
    commissioner = commissioner_for(contract)
    with pytest.raises(ValidationFailed):
        svc.portfolio_decision_record(
            contract=contract, by=commissioner, decision="double", notes="No."
        )
    with pytest.raises(ValidationFailed):
        svc.portfolio_decision_record(contract=contract, by=commissioner, decision="stop", notes="")
    for person in [*outsiders(contract), supplier_admin_for(contract)]:
        with pytest.raises(PermissionDenied):
            svc.portfolio_decision_record(
                contract=contract, by=person, decision="stop", notes="No."
            )
    assert not PortfolioDecision.objects.exists()


def test_completing_is_all_or_nothing(ended, django_capture_on_commit_callbacks):
    contract = contract_in("active")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("contracts.services._common.audit", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.contract_complete(contract=contract, by=commissioner_for(contract))

    assert callbacks == []
    contract.refresh_from_db()
    assert (contract.status, contract.completed_at) == ("active", None)
    assert ended == []


# --- Tasks -------------------------------------------------------------------------------------


def test_tasks_are_late_acknowledged_and_retried_with_backoff():
    from contracts import tasks

    for task in (
        tasks.generate_contract_documents_task,
        tasks.create_contracts_for_phase_task,
        tasks.flag_overdue_milestones,
    ):
        assert task.acks_late is True
        assert task.retry_backoff is True
        assert OSError in task.autoretry_for


def test_tasks_for_rows_that_are_gone_do_nothing():
    from contracts import tasks

    assert tasks.create_contracts_for_phase_task(0) == 0
    assert tasks.generate_contract_documents_task(0, notify="ready") == 0


def test_references_are_unique_per_contract():
    first, second = new_contract(), new_contract()
    year = timezone.localdate().year
    assert first.reference != second.reference
    assert all(c.reference.startswith(f"CON-{year}-") for c in (first, second))
    assert Contract.objects.filter(reference__startswith="TMP-").count() == 0
