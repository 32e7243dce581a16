"""Claim set-ups through the real services (C2): a submitted milestone or outcome claim, with
the supplier admin who made it and a commissioner who can review it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from contracts.services.claims import claim_submit_milestone, claim_submit_outcome
from tests.factories.contracts import commissioner_for, contract_with_plan, supplier_admin_for


def last_month() -> tuple[datetime.date, datetime.date]:
    end = timezone.localdate() - datetime.timedelta(days=1)
    return end - datetime.timedelta(days=29), end


def milestone_claim(contract=None, *, milestone=None):
    """``(claim, supplier_admin, commissioner)`` for a submitted claim on the first milestone."""
    contract = contract or (milestone.contract if milestone else contract_with_plan())
    milestone = milestone or contract.milestones.order_by("order").first()
    supplier = supplier_admin_for(contract)
    claim = claim_submit_milestone(milestone=milestone, by=supplier, notes="Report attached.")
    return claim, supplier, commissioner_for(contract)


def outcome_claim(contract=None, *, units=10, period=None, metric=None):
    """``(claim, supplier_admin, commissioner)`` for a submitted outcome claim."""
    contract = contract or (metric.contract if metric else contract_with_plan())
    metric = metric or contract.outcome_metrics.first()
    start, end = period or last_month()
    supplier = supplier_admin_for(contract)
    claim = claim_submit_outcome(
        metric=metric,
        by=supplier,
        period_start=start,
        period_end=end,
        units=units,
        notes="Case records for each resident attached.",
    )
    return claim, supplier, commissioner_for(contract)
