"""The demo contracts seed_demo creates: made through the services (consistent totals, audit),
milestones met and pending, an outcome-based contract with claims in every state, payments paid
and pending, idempotent, and a portfolio for the demo commissioners."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from contracts import demo
from contracts.models import Claim, Contract, Milestone, OutcomeMetric, Payment, PhaseBudget
from marketplace.accounts.models import User
from marketplace.core.models import AuditEvent
from tests.conftest import mfa_login

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Contract, Milestone, OutcomeMetric, Claim, Payment, AuditEvent, User)
    }


def test_demo_contracts(client):
    """One test, as seeding the whole demo takes minutes: the story, the commissioner's
    portfolio, then a second run that changes nothing."""
    output = seed()
    assert "Contracts: 4 demo contracts" in output
    assert demo.accounts_table()[0][1] in output  # the commissioner accounts are listed
    contracts = Contract.objects.all()
    assert contracts.count() == 4
    assert set(contracts.values_list("status", flat=True)) == {Contract.Status.ACTIVE}
    statuses = set(Milestone.objects.values_list("status", flat=True))
    assert {Milestone.Status.MET, Milestone.Status.SUBMITTED, Milestone.Status.SCHEDULED} <= (
        statuses
    )
    assert Contract.objects.filter(rag=Contract.Rag.RED).exists()  # the overdue milestone

    metric = OutcomeMetric.objects.get()
    assert (metric.tariff_pence, metric.target, metric.cap_pence) == (120_000, 150, 15_000_000)
    claim_statuses = set(metric.claims.values_list("status", flat=True))
    assert claim_statuses == set(Claim.Status.values)  # every state
    assert metric.verified_units == 12 + 11
    assert metric.committed_pence == 23 * 120_000

    payment_statuses = set(Payment.objects.values_list("status", flat=True))
    assert {Payment.Status.PAID, Payment.Status.SUBMITTED} <= payment_statuses
    assert set(Payment.objects.values_list("provider", flat=True)) == {Payment.Provider.LEDGER}
    # Consistent: the running totals equal the approved claims.
    for contract in contracts:
        approved = contract.claims.aggregate(t=Sum("approved_pence"))["t"] or 0
        assert contract.committed_pence == approved
    for budget in PhaseBudget.objects.all():
        approved = Claim.objects.filter(contract__phase=budget.phase).aggregate(
            t=Sum("approved_pence")
        )["t"]
        assert budget.committed_pence == (approved or 0)
    assert AuditEvent.objects.filter(verb="claim.approved").exists()

    email = demo.accounts_table()[0][1]
    user = User.objects.get(email=email)
    mfa_login(client, user)
    response = client.get("/commissioning/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Northern Sensors" in html
    assert "No claims are waiting for your review" not in html

    first = counts()
    seed()
    assert counts() == first
