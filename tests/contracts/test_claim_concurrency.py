"""Concurrent approvals on PostgreSQL: real threads, real transactions, one connection each.

Two commissioners approving the same claim at the same moment produce one payment; many
approvals of different claims against one shared cap never take the total over it.
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from contracts.models import Claim, Contract, OutcomeMetric, Payment
from contracts.services.claims import claim_approve
from marketplace.core.errors import DomainError
from tests.factories.contracts import commissioner_for, contract_with_plan
from tests.factories.contracts_c2 import milestone_claim, outcome_claim

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _run_together(jobs):
    """Run each job in its own thread, all released at once; returns results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as error:  # collected and asserted on below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_commissioners_approving_the_same_claim_make_one_payment():
    claim, _, first = milestone_claim()
    second = commissioner_for(claim.contract)
    results = _run_together(
        [
            lambda: claim_approve(claim=claim, by=first),
            lambda: claim_approve(claim=claim, by=second),
        ]
    )
    payments = [r for r in results if isinstance(r, Payment)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(payments) == 1, results
    assert len(refusals) == 1, results
    assert Payment.objects.filter(claim=claim).count() == 1
    contract = Contract.objects.get(pk=claim.contract_id)
    assert contract.committed_pence == claim.requested_pence
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED


def test_many_approvals_against_one_cap_never_go_over_it():
    contract = contract_with_plan()
    metric = contract.outcome_metrics.get()
    # £12,000 left under the cap: room for five claims of 2 x £1,200, not eight.
    OutcomeMetric.objects.filter(pk=metric.pk).update(committed_pence=metric.cap_pence - 1_200_000)
    claims = []
    for week in range(8):
        end = datetime.date(2026, 1, 7) + datetime.timedelta(weeks=week)
        claim, _, commissioner = outcome_claim(
            contract, units=2, period=(end - datetime.timedelta(days=6), end)
        )
        claims.append((claim, commissioner))
    results = _run_together([lambda c=c, u=u: claim_approve(claim=c, by=u) for c, u in claims])
    approved = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(approved) == 5, results
    assert len(refused) == 3
    assert all("You can approve at most" in str(r) or "no money left" in str(r) for r in refused)
    metric.refresh_from_db()
    assert metric.committed_pence == metric.cap_pence
    assert metric.verified_units == 10
    assert sum(Payment.objects.values_list("amount_pence", flat=True)) == 1_200_000
