"""Cap arithmetic at the boundary: exactly what is left can be approved, a penny more cannot,
whichever of the four limits is the tight one, and the refusal says how much is left."""

import pytest

from contracts.caps import allowance_for
from contracts.models import Claim, Contract, Milestone, OutcomeMetric, Payment, PhaseBudget
from contracts.services.claims import claim_approve, claim_approve_part
from marketplace.core.errors import ValidationFailed
from marketplace.core.money import format_gbp
from tests.factories.contracts_c2 import milestone_claim, outcome_claim

pytestmark = pytest.mark.django_db


def _leave(claim: Claim, limit: str, left: int) -> None:
    """Set the running total of ``limit`` so exactly ``left`` pence remain under it."""
    contract = claim.contract
    if limit == "milestone":
        milestone = claim.milestone
        Milestone.objects.filter(pk=milestone.pk).update(
            committed_pence=milestone.value_pence - left
        )
    elif limit == "metric cap":
        metric = claim.metric
        OutcomeMetric.objects.filter(pk=metric.pk).update(committed_pence=metric.cap_pence - left)
    elif limit == "contract value":
        Contract.objects.filter(pk=contract.pk).update(committed_pence=contract.value_pence - left)
    else:
        budget = PhaseBudget.objects.get(phase=contract.phase)
        PhaseBudget.objects.filter(pk=budget.pk).update(
            committed_pence=budget.envelope_pence - left
        )


CASES = [
    ("milestone", "milestone"),
    ("milestone", "contract value"),
    ("milestone", "phase envelope"),
    ("outcome", "metric cap"),
    ("outcome", "contract value"),
    ("outcome", "phase envelope"),
]


def _claim(kind):
    return milestone_claim() if kind == "milestone" else outcome_claim(units=3)


@pytest.mark.parametrize(("kind", "limit"), CASES)
def test_exactly_what_is_left_can_be_approved(kind, limit):
    claim, _, commissioner = _claim(kind)
    _leave(claim, limit, claim.requested_pence)
    assert allowance_for(claim).payable_pence == claim.requested_pence
    assert allowance_for(claim).limited_by == ""
    payment = claim_approve(claim=claim, by=commissioner)
    assert payment.amount_pence == claim.requested_pence
    budget = PhaseBudget.objects.get(phase=claim.contract.phase)
    assert budget.remaining_pence >= 0
    if limit == "phase envelope":
        assert budget.remaining_pence == 0


@pytest.mark.parametrize(("kind", "limit"), CASES)
def test_one_penny_over_is_refused_with_what_is_left(kind, limit):
    claim, _, commissioner = _claim(kind)
    left = claim.requested_pence - 1
    _leave(claim, limit, left)
    allowance = allowance_for(claim)
    assert allowance.payable_pence == left
    assert allowance.limited_by == limit

    with pytest.raises(ValidationFailed) as refused:
        claim_approve(claim=claim, by=commissioner)
    shown = format_gbp(left, show_pence=True)
    assert str(refused.value) == f"You can approve at most {shown}: the {limit} has {shown} left"

    over = {"amount_pence": left + 1}
    if kind == "outcome":
        over["units"] = claim.units_claimed
    with pytest.raises(ValidationFailed, match="at most"):
        claim_approve_part(claim=claim, by=commissioner, reason="Cap reached", **over)
    assert not Payment.objects.exists()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED

    exact = {**over, "amount_pence": left}
    payment = claim_approve_part(claim=claim, by=commissioner, reason="Cap reached", **exact)
    assert payment.amount_pence == left
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PART_APPROVED
    assert claim.approved_pence == left


def test_tightest_limit_is_named_when_several_bind():
    claim, _, commissioner = outcome_claim(units=3)  # £3,600
    _leave(claim, "metric cap", 300_000)
    _leave(claim, "contract value", 200_000)
    _leave(claim, "phase envelope", 250_000)
    allowance = allowance_for(claim)
    assert allowance.payable_pence == 200_000
    assert allowance.limited_by == "contract value"
    with pytest.raises(ValidationFailed, match=r"at most £2,000.00: the contract value has"):
        claim_approve(claim=claim, by=commissioner)


def test_outcome_part_approval_pays_verified_units_at_the_tariff():
    claim, _, commissioner = outcome_claim(units=5)  # 5 x £1,200
    payment = claim_approve_part(claim=claim, by=commissioner, reason="Two not verified", units=3)
    assert payment.amount_pence == 360_000
    metric = OutcomeMetric.objects.get(pk=claim.metric_id)
    assert (metric.verified_units, metric.committed_pence) == (3, 360_000)
    contract = Contract.objects.get(pk=claim.contract_id)
    assert contract.committed_pence == 360_000
    assert PhaseBudget.objects.get(phase=contract.phase).committed_pence == 360_000


def test_nothing_left_is_refused_plainly():
    claim, _, commissioner = milestone_claim()
    _leave(claim, "phase envelope", 0)
    with pytest.raises(ValidationFailed, match="the phase envelope has no money left"):
        claim_approve(claim=claim, by=commissioner)
