"""Database constraints that back the money rules, whatever the services do."""

import pytest
from django.db import IntegrityError, transaction

from contracts.models import Contract, Milestone, OutcomeMetric, PhaseBudget
from tests.factories.contracts import ClaimFactory, contract_with_plan

pytestmark = pytest.mark.django_db


def _refused(update) -> bool:
    try:
        with transaction.atomic():
            update()
    except IntegrityError:
        return True
    return False


def test_plan_factory_builds_a_contract_with_milestones_and_a_metric():
    contract = contract_with_plan()
    assert contract.milestones.count() == 2
    assert contract.outcome_metrics.get().cap_pence == 15_000_000
    assert PhaseBudget.objects.get(phase=contract.phase).envelope_pence == (
        contract.phase.envelope_pence
    )


def test_committed_money_cannot_pass_any_cap():
    contract = contract_with_plan()
    metric = contract.outcome_metrics.get()
    milestone = contract.milestones.first()
    budget = PhaseBudget.objects.get(phase=contract.phase)
    qs = Contract.objects.filter(pk=contract.pk)
    assert _refused(lambda: qs.update(committed_pence=contract.value_pence + 1))
    assert not _refused(lambda: qs.update(committed_pence=contract.value_pence))
    metrics = OutcomeMetric.objects.filter(pk=metric.pk)
    assert _refused(lambda: metrics.update(committed_pence=metric.cap_pence + 1))
    milestones = Milestone.objects.filter(pk=milestone.pk)
    assert _refused(lambda: milestones.update(committed_pence=milestone.value_pence + 1))
    budgets = PhaseBudget.objects.filter(pk=budget.pk)
    assert _refused(lambda: budgets.update(committed_pence=budget.envelope_pence + 1))
    assert _refused(lambda: budgets.update(committed_pence=-1))


def test_a_milestone_has_one_live_claim():
    claim = ClaimFactory()
    assert _refused(lambda: ClaimFactory(milestone=claim.milestone))
