"""Set-ups for the portfolio, API and admin tests: claims already decided and their payments,
written straight to the rows (the claim and payment services have their own tests)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from contracts.models import Claim, Milestone, OutcomeMetric, Payment
from tests.factories.contracts import ClaimFactory

_numbers = itertools.count(1)


def decided_claim(
    target: Milestone | OutcomeMetric,
    *,
    amount_pence: int | None = None,
    units: int = 10,
    payment_status: str = Payment.Status.PAID,
    provider: str = Payment.Provider.LEDGER,
) -> Claim:
    """An approved claim against ``target`` with its payment in ``payment_status``; the
    running totals on the milestone or metric, the contract and the phase are moved as the
    review service would."""
    now = timezone.now()
    if isinstance(target, Milestone):
        amount = target.value_pence if amount_pence is None else amount_pence
        claim = ClaimFactory(
            milestone=target,
            status=Claim.Status.APPROVED,
            approved_pence=amount,
            reviewed_at=now,
        )
        Milestone.objects.filter(pk=target.pk).update(
            status=Milestone.Status.MET, committed_pence=amount, met_at=now
        )
    else:
        amount = units * target.tariff_pence if amount_pence is None else amount_pence
        n = next(_numbers)
        claim = Claim.objects.create(
            reference=f"CLM-PF-{n:06d}",
            contract=target.contract,
            kind=Claim.Kind.OUTCOME,
            metric=target,
            period_start=timezone.localdate().replace(day=1),
            period_end=timezone.localdate().replace(day=1) + timezone.timedelta(days=n),
            units_claimed=units,
            requested_pence=units * target.tariff_pence,
            submitted_at=now,
            status=Claim.Status.APPROVED,
            approved_units=units,
            approved_pence=amount,
            reviewed_at=now,
        )
        OutcomeMetric.objects.filter(pk=target.pk).update(
            verified_units=target.verified_units + units,
            committed_pence=target.committed_pence + amount,
        )
        target.refresh_from_db()
    contract = claim.contract
    contract.committed_pence += amount
    contract.save(update_fields=["committed_pence"])
    budget = contract.phase.budget
    budget.committed_pence += amount
    budget.save(update_fields=["committed_pence"])
    Payment.objects.create(
        claim=claim,
        contract=contract,
        amount_pence=amount,
        provider=provider,
        status=payment_status,
        idempotency_key=f"test-payment-{claim.pk}",
        approved_at=now,
        paid_at=now if payment_status == Payment.Status.PAID else None,
    )
    return claim
