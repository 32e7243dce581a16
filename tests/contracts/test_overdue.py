"""The daily beat task: overdue milestones of active contracts are flagged once, both sides are
emailed, and every active contract's red/amber/green is refreshed."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from contracts.models import Contract, Milestone
from contracts.tasks import flag_overdue_milestones
from marketplace.core.models import AuditEvent
from tests.factories.contracts import commissioner_for, supplier_admin_for
from tests.factories.contracts_lifecycle import contract_in, milestones

pytestmark = pytest.mark.django_db


def late(milestone: Milestone, days: int) -> Milestone:
    milestone.due_on = timezone.localdate() - datetime.timedelta(days=days)
    milestone.save()
    return milestone


@pytest.fixture
def active(django_capture_on_commit_callbacks):
    contract = contract_in("active")
    admin, commissioner = supplier_admin_for(contract), commissioner_for(contract)
    return contract, admin, commissioner


def test_overdue_milestone_is_flagged_once_and_both_sides_are_told(
    active, django_capture_on_commit_callbacks
):
    contract, admin, commissioner = active
    first, _ = milestones(contract)
    late(first, 3)

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_milestones.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_milestones.delay().get() == 0  # already told

    first.refresh_from_db()
    assert first.overdue_notified_at is not None
    overdue = [m for m in mail.outbox if m.subject.startswith("Milestone overdue")]
    assert len(overdue) == 1
    assert set(overdue[0].to) == {admin.email, commissioner.email}
    assert "3 days late" in overdue[0].body
    assert AuditEvent.objects.filter(verb="milestone.overdue", object_id=str(first.pk)).count() == 1
    contract.refresh_from_db()
    assert contract.rag == "amber"


@pytest.mark.parametrize("status", ["submitted", "met", "partially_met", "not_met"])
def test_milestones_with_evidence_or_a_decision_are_not_overdue(status, active):
    contract, *_ = active
    first, _ = milestones(contract)
    late(first, 30)
    Milestone.objects.filter(pk=first.pk).update(status=status)

    assert flag_overdue_milestones() == 0


@pytest.mark.parametrize("status", ["draft", "completed", "terminated"])
def test_milestones_of_contracts_not_active_are_not_flagged(status):
    contract = contract_in(status)
    late(milestones(contract)[0], 30)

    assert flag_overdue_milestones() == 0
    contract.refresh_from_db()
    assert contract.rag_checked_at is None  # only active contracts are refreshed


def test_not_yet_due_is_not_overdue(active):
    contract, *_ = active
    first, _ = milestones(contract)
    first.due_on = timezone.localdate()
    first.save()

    assert flag_overdue_milestones() == 0
    contract.refresh_from_db()
    assert contract.rag == "amber"  # due today, no evidence yet


def test_more_than_14_days_late_turns_the_contract_red(active):
    contract, *_ = active
    late(milestones(contract)[0], 15)

    flag_overdue_milestones()

    assert Contract.objects.get(pk=contract.pk).rag == "red"
