"""Claims benchmark: 200 claims approved concurrently by 20 threads on PostgreSQL against
contracts near their caps, then an independent check that nothing was overpaid or paid twice.

Usage: .venv/bin/python bench/claims_bench.py [--database-url URL] [--threads 20]
       [--contracts 10] [--seed 7]

The database (default postgres://postgres@127.0.0.1:5432/mk_bench_claims) is created and
migrated if missing, and emptied at the start of each run. Each run builds two phases of five
contracts each. Every contract is worth £40,000 and has four £5,000 milestones and an outcome
metric (£1,000 a unit, cap £25,500); the phase envelope is £150,750. The odd amounts leave
remainders smaller than a claim, so some claims are approved in part. Each contract gets 20 claims (4 milestones, 16
outcome claims of 2 units), asking for £52,000 against a £40,000 contract, so every limit
binds: milestone values, the metric cap, the contract value and the phase envelope.

20 threads (one database connection each) take claims from a shared queue in random order and
approve them through ``claim_approve``. A refusal over a cap is followed, as a commissioner
would, by ``claim_approve_part`` for what is left (read again), retried if another approval got
there first. Latency is per decision, from the first call to the last.

The check does not trust the running totals the service keeps. It replays the payments in the
order they were committed (payment id: the phase lock serialises approvals in a phase) against
fresh limits, summing what each could have been allowed; the total paid must equal that total,
no limit may be exceeded, no claim may have two payments, the running totals must equal the
payments, and every claim left unpaid must have had nothing left to pay. Exit status 1 if not.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import math
import os
import queue
import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mk_bench_claims"
CONTRACT_VALUE = 4_000_000
MILESTONE_VALUE = 500_000
MILESTONES = 4
TARIFF = 100_000
CAP = 2_550_000
OUTCOME_CLAIMS = 16
UNITS = 2
ENVELOPE = 15_075_000
CONTRACTS_PER_PHASE = 5


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.test")
    os.environ.setdefault("CONN_MAX_AGE", "0")
    _create_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    # Each run starts from an empty database (the factories' sequences restart every run),
    # with the reference data the data migrations made put back.
    call_command("flush", verbosity=0, interactive=False)
    from django.apps import apps

    importlib.import_module("suppliers.migrations.0002_seed_regions_and_capabilities").seed(
        apps, None
    )
    print(f"Database ready ({time.perf_counter() - started:.1f}s)")


def _create_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


# --- Data --------------------------------------------------------------------------------------


def _build(n_contracts: int):
    """Contracts near their caps with their claims submitted; returns (contracts, claims)."""
    from django.utils import timezone

    from challenges.models import Application, Challenge
    from contracts.models import PhaseBudget
    from contracts.services.claims import claim_submit_milestone, claim_submit_outcome
    from tests.factories.applications import ApplicationFactory
    from tests.factories.challenges import open_challenge
    from tests.factories.contracts import (
        ContractFactory,
        MilestoneFactory,
        OutcomeMetricFactory,
        supplier_admin_for,
    )

    contracts, claims = [], []
    phase = None
    for index in range(n_contracts):
        if index % CONTRACTS_PER_PHASE == 0:
            challenge = open_challenge()
            Challenge.objects.filter(pk=challenge.pk).update(
                status=Challenge.Status.DECIDED, decided_at=timezone.now()
            )
            phase = challenge.phases.get(number=1)
        application = ApplicationFactory(
            phase=phase,
            submitted=True,
            status=Application.Status.FUNDED,
            decided_at=timezone.now(),
            requested_pence=CONTRACT_VALUE,
        )
        contract = ContractFactory(
            application=application,
            active=True,
            value_pence=CONTRACT_VALUE,
            reference=f"CB-{time.time_ns() % 10**12}-{index:03d}",
        )
        PhaseBudget.objects.filter(phase=phase).update(envelope_pence=ENVELOPE)
        milestones = [
            MilestoneFactory(contract=contract, order=n, value_pence=MILESTONE_VALUE)
            for n in range(MILESTONES)
        ]
        metric = OutcomeMetricFactory(contract=contract, tariff_pence=TARIFF, cap_pence=CAP)
        admin = supplier_admin_for(contract)
        for milestone in milestones:
            claims.append(claim_submit_milestone(milestone=milestone, by=admin, notes="Done"))
        end = timezone.localdate() - datetime.timedelta(days=1)
        for week in range(OUTCOME_CLAIMS):
            period_end = end - datetime.timedelta(weeks=week)
            claims.append(
                claim_submit_outcome(
                    metric=metric,
                    by=admin,
                    period_start=period_end - datetime.timedelta(days=6),
                    period_end=period_end,
                    units=UNITS,
                    notes="Case records",
                )
            )
        contracts.append(contract)
    return contracts, claims


# --- Approving ---------------------------------------------------------------------------------


def _decide(claim, commissioner) -> str:
    """Approve in full, or in part for what is left; returns "full", "part" or "refused"."""
    from contracts.caps import allowance_for
    from contracts.models import Claim
    from contracts.services.claims import claim_approve, claim_approve_part
    from marketplace.core.errors import ValidationFailed

    try:
        claim_approve(claim=claim, by=commissioner)
        return "full"
    except ValidationFailed:
        pass
    for _ in range(10):
        claim = Claim.objects.get(pk=claim.pk)
        payable = allowance_for(claim).payable_pence
        if payable <= 0:
            return "refused"
        kwargs = {"amount_pence": payable}
        if claim.kind == Claim.Kind.OUTCOME:
            kwargs["units"] = min(
                claim.units_claimed, math.ceil(payable / claim.metric.tariff_pence)
            )
        try:
            claim_approve_part(claim=claim, by=commissioner, reason="Capped", **kwargs)
            return "part"
        except ValidationFailed:
            continue  # another approval took some of what was left: read it again
    return "refused"


def _approve_all(claims, commissioners, n_threads: int, seed: int):
    from django.db import connections

    order = list(claims)
    random.Random(seed).shuffle(order)  # noqa: S311 (a repeatable order, not a secret)
    work: queue.Queue = queue.Queue()
    for claim in order:
        work.put(claim)
    latencies: list[float] = []
    outcomes: dict[str, int] = defaultdict(int)
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(n_threads)

    def worker():
        barrier.wait()
        try:
            while True:
                try:
                    claim = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    outcome = _decide(claim, commissioners[claim.contract_id])
                except Exception as error:  # reported and counted as a failure
                    outcome = "error"
                    with lock:
                        errors.append(f"{claim.reference}: {error!r}")
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, outcomes, errors


# --- Checking ----------------------------------------------------------------------------------


def _check(contracts, claims) -> dict:
    """Recompute everything from the payments and the limits as they were set up."""
    from contracts.caps import allowance_for
    from contracts.models import Claim, Contract, Milestone, OutcomeMetric, Payment, PhaseBudget

    contract_ids = [c.pk for c in contracts]
    payments = list(
        Payment.objects.filter(contract_id__in=contract_ids)
        .select_related("claim", "contract")
        .order_by("pk")
    )
    per_claim = defaultdict(int)
    for payment in payments:
        per_claim[payment.claim_id] += 1
    double_paid = sum(count - 1 for count in per_claim.values() if count > 1)

    # Fresh limits, as set up (not the running totals the service kept).
    left: dict[tuple, int] = {}
    for contract in Contract.objects.filter(pk__in=contract_ids):
        left[("contract", contract.pk)] = contract.value_pence
        budget = PhaseBudget.objects.get(phase_id=contract.phase_id)
        left[("phase", contract.phase_id)] = budget.envelope_pence
    for milestone in Milestone.objects.filter(contract_id__in=contract_ids):
        left[("milestone", milestone.pk)] = milestone.value_pence
    for metric in OutcomeMetric.objects.filter(contract_id__in=contract_ids):
        left[("metric", metric.pk)] = metric.cap_pence

    allowed_total = overpaid = mismatched = 0
    for payment in payments:
        claim = payment.claim
        target = (
            ("milestone", claim.milestone_id) if claim.milestone_id else ("metric", claim.metric_id)
        )
        keys = [target, ("contract", claim.contract_id), ("phase", payment.contract.phase_id)]
        allowed = min(payment.amount_pence, claim.requested_pence, *(left[k] for k in keys))
        overpaid += payment.amount_pence - allowed
        allowed_total += allowed
        for key in keys:
            left[key] -= allowed
        mismatched += int(claim.approved_pence != payment.amount_pence)

    paid_total = sum(p.amount_pence for p in payments)
    # Running totals must agree with the payments.
    sums = defaultdict(int)
    for payment in payments:
        claim = payment.claim
        sums[("contract", claim.contract_id)] += payment.amount_pence
        sums[("phase", payment.contract.phase_id)] += payment.amount_pence
        target = (
            ("milestone", claim.milestone_id) if claim.milestone_id else ("metric", claim.metric_id)
        )
        sums[target] += payment.amount_pence
    totals_wrong = 0
    for contract in Contract.objects.filter(pk__in=contract_ids):
        totals_wrong += int(contract.committed_pence != sums[("contract", contract.pk)])
    for phase_id in {c.phase_id for c in contracts}:
        budget = PhaseBudget.objects.get(phase_id=phase_id)
        totals_wrong += int(budget.committed_pence != sums[("phase", phase_id)])
    for milestone in Milestone.objects.filter(contract_id__in=contract_ids):
        totals_wrong += int(milestone.committed_pence != sums[("milestone", milestone.pk)])
    for metric in OutcomeMetric.objects.filter(contract_id__in=contract_ids):
        totals_wrong += int(metric.committed_pence != sums[("metric", metric.pk)])

    # Every claim left unpaid must have had nothing left to pay.
    unpaid = Claim.objects.filter(pk__in=[c.pk for c in claims], payment__isnull=True)
    wrongly_refused = sum(1 for claim in unpaid if allowance_for(claim).payable_pence > 0)
    return {
        "payments": len(payments),
        "paid_total": paid_total,
        "allowed_total": allowed_total,
        "overpaid": overpaid,
        "double_paid": double_paid,
        "totals_wrong": totals_wrong,
        "amount_mismatch": mismatched,
        "wrongly_refused": wrongly_refused,
    }


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--contracts", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    _setup(args.database_url)
    from contracts.payment_tasks import execute_payment_task  # noqa: F401 (registers the task)
    from marketplace.core.money import format_gbp
    from tests.factories.contracts import commissioner_for

    started = time.perf_counter()
    contracts, claims = _build(args.contracts)
    commissioners = {c.pk: commissioner_for(c) for c in contracts}
    print(
        f"Built {len(contracts)} contracts and {len(claims)} claims "
        f"({time.perf_counter() - started:.1f}s)"
    )

    elapsed, latencies, outcomes, errors = _approve_all(
        claims, commissioners, args.threads, args.seed
    )
    result = _check(contracts, claims)

    ms = [v * 1000 for v in latencies]
    print(f"Threads: {args.threads}; claims decided: {len(latencies)} in {elapsed:.2f}s")
    print(f"Throughput: {len(latencies) / elapsed:.1f} decisions/s")
    print(
        f"Latency: p50 {_percentile(ms, 50):.1f} ms, p95 {_percentile(ms, 95):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )
    print(
        f"Approved in full: {outcomes['full']}, in part: {outcomes['part']}, "
        f"nothing left: {outcomes['refused']}, errors: {outcomes['error']}"
    )
    print(f"Payments: {result['payments']}")
    print(f"Total paid: {format_gbp(result['paid_total'], show_pence=True)}")
    print(
        f"Allowed total (recomputed from the payments): "
        f"{format_gbp(result['allowed_total'], show_pence=True)}"
    )
    print(f"Overpaid: {format_gbp(result['overpaid'], show_pence=True)}")
    print(f"Double-paid claims: {result['double_paid']}")
    print(f"Running totals that disagree with the payments: {result['totals_wrong']}")
    print(f"Claims left unpaid with money still available: {result['wrongly_refused']}")
    for line in errors[:10]:
        print(f"  error: {line}")
    ok = (
        result["paid_total"] == result["allowed_total"]
        and result["overpaid"] == 0
        and result["double_paid"] == 0
        and result["totals_wrong"] == 0
        and result["amount_mismatch"] == 0
        and result["wrongly_refused"] == 0
        and not errors
    )
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
