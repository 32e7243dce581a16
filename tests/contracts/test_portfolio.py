"""The commissioner portfolio, /commissioning/: who may see it, what it shows (RAG, milestones
due and overdue, claims oldest first, spend against budget, outcomes against targets, charts),
the CSV export, portfolio decisions, and a query count that does not grow with the portfolio."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts import charts
from contracts import selectors_portfolio as selectors
from contracts.models import Claim, Contract, Milestone, Payment, PortfolioDecision
from marketplace.accounts.models import Role
from marketplace.core.audit import AuditEvent
from tests.factories.accounts import MembershipFactory
from tests.factories.contracts import (
    ClaimFactory,
    ContractFactory,
    MilestoneFactory,
    buyer_user_for,
    commissioner_for,
    contract_with_plan,
    supplier_admin_for,
)
from tests.factories.contracts_portfolio import decided_claim
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


URL = "/commissioning/"
EXPORT = "/commissioning/export.csv"


def _decision_url(contract):
    return f"/commissioning/contracts/{contract.reference}/decision/"


@pytest.fixture
def contract():
    return contract_with_plan()


@pytest.fixture
def commissioner(contract, client, mfa_login, with_totp):
    user = with_totp(commissioner_for(contract))
    mfa_login(client, user)
    return user


def _same_org_contract(contract, **kwargs):
    """A second contract for the same buying organisation (another challenge of its own)."""
    other = ContractFactory(active=True, **kwargs)
    Contract.objects.filter(pk=other.pk).update(buyer=contract.buyer)
    other.refresh_from_db()
    return other


# --- Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, EXPORT, "/commissioning/remittance.csv"])
def test_anonymous_is_sent_to_sign_in(client, contract, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["buyer", "supplier_admin", "competitor", "other_commissioner"])
@pytest.mark.parametrize(
    "url", [URL, EXPORT, "/commissioning/remittance.csv", "decision", "decision-post"]
)
def test_everyone_but_a_commissioner_of_the_buyer_gets_404(
    client, mfa_login, with_totp, contract, who, url
):
    if who == "buyer":
        user = with_totp(buyer_user_for(contract))
    elif who == "supplier_admin":
        user = supplier_admin_for(contract)
    elif who == "competitor":
        user = MembershipFactory(
            organisation=SupplierProfileFactory().organisation, role=Role.SUPPLIER_ADMIN
        ).user
    else:
        user = with_totp(commissioner_for(ContractFactory(active=True)))
    mfa_login(client, user)
    if url == "decision-post":
        response = client.post(_decision_url(contract), {"decision": "stop", "notes": "No"})
        assert not PortfolioDecision.objects.exists()
    elif url == "decision":
        response = client.get(_decision_url(contract))
    else:
        response = client.get(url)
    # A commissioner elsewhere has a portfolio, but this contract is not in it.
    if who == "other_commissioner" and url in (URL, EXPORT, "/commissioning/remittance.csv"):
        assert response.status_code == 200
        assert contract.reference not in response.content.decode()
    else:
        assert response.status_code == 404


def test_navigation_links_to_the_portfolio_for_commissioners_only(
    client, mfa_login, with_totp, contract
):
    mfa_login(client, with_totp(commissioner_for(contract)))
    assert 'href="/commissioning/"' in client.get("/").content.decode()
    client.logout()
    mfa_login(client, with_totp(buyer_user_for(contract)))
    assert 'href="/commissioning/"' not in client.get("/").content.decode()


# --- What it shows ---------------------------------------------------------------------------------


def test_shows_rag_milestones_claims_spend_and_outcomes(client, contract, commissioner):
    today = timezone.localdate()
    first, second = contract.milestones.order_by("order")
    Milestone.objects.filter(pk=first.pk).update(due_on=today - datetime.timedelta(days=3))
    Contract.objects.filter(pk=contract.pk).update(rag=Contract.Rag.RED)
    decided_claim(second)  # £30,000 paid
    metric = contract.outcome_metrics.get()
    decided_claim(metric, units=45)  # 45 x £1,200 = £54,000 paid

    html = client.get(URL).content.decode()

    assert contract.reference in html
    assert "govuk-tag--red" in html and "Off track" in html
    assert first.title in html and "Overdue" in html
    # Spend against budget: the phase envelope, contract value, approved and paid.
    assert "£84,000" in html  # 30,000 + 54,000 approved and paid
    assert "£200,000" in html  # the contract's value
    # Outcomes against target.
    assert "45 (30% of target)" in html
    assert 'data-label="Target">150</td>' in html


def test_claims_waiting_oldest_first_with_days_waiting(client, contract, commissioner):
    first, second = contract.milestones.order_by("order")
    older = ClaimFactory(milestone=second, submitted_at=timezone.now() - datetime.timedelta(days=9))
    newer = ClaimFactory(milestone=first, submitted_at=timezone.now() - datetime.timedelta(days=2))
    claims = list(selectors.claims_awaiting_review(org_ids={contract.buyer_id}))
    assert claims == [older, newer]

    response = client.get(URL)
    html = response.content.decode()
    assert html.index(older.reference) < html.index(newer.reference)
    days = {c.reference: c.days_waiting for c in response.context["claims"]}
    assert days == {older.reference: 9, newer.reference: 2}


def test_queried_and_decided_claims_are_not_waiting(contract):
    first, second = contract.milestones.order_by("order")
    ClaimFactory(milestone=first, status=Claim.Status.QUERIED)
    decided_claim(second)
    assert list(selectors.claims_awaiting_review(org_ids={contract.buyer_id})) == []


def test_contracts_of_other_buyers_are_left_out(client, contract, commissioner):
    elsewhere = contract_with_plan()
    html = client.get(URL).content.decode()
    assert contract.reference in html
    assert elsewhere.reference not in html


def test_red_contracts_come_first(contract):
    red = _same_org_contract(contract)
    Contract.objects.filter(pk=red.pk).update(rag=Contract.Rag.RED)
    rows = list(selectors.portfolio_contracts(org_ids={contract.buyer_id}))
    assert [c.pk for c in rows] == [red.pk, contract.pk]


def test_spend_by_phase_adds_up_per_phase(contract):
    second = _same_org_contract(contract, value_pence=3_000_000)
    milestone = MilestoneFactory(contract=second, value_pence=1_000_000)
    decided_claim(contract.milestones.order_by("order").first())  # £20,000 paid
    decided_claim(milestone, payment_status=Payment.Status.SUBMITTED)  # approved, not paid
    ContractFactory(buyer=contract.buyer)  # a draft: waiting to accept, not in the money

    rows = {r.label: r for r in selectors.spend_by_phase(org_ids={contract.buyer_id})}
    first_row = next(r for r in rows.values() if r.challenge_title == contract.challenge.title)
    assert first_row.budget_pence == contract.phase.envelope_pence
    assert first_row.contracted_pence == 20_000_000
    assert first_row.committed_pence == 2_000_000
    assert first_row.paid_pence == 2_000_000
    assert first_row.contracts == 1
    second_row = next(r for r in rows.values() if r.challenge_title == second.challenge.title)
    assert (second_row.contracted_pence, second_row.committed_pence, second_row.paid_pence) == (
        3_000_000,
        1_000_000,
        0,
    )


def test_outcomes_by_metric_has_money_paid(contract):
    metric = contract.outcome_metrics.get()
    decided_claim(metric, units=10)
    decided_claim(metric, units=5, payment_status=Payment.Status.PENDING)
    row = selectors.outcomes_by_metric(org_ids={contract.buyer_id}).get()
    assert row.verified_units == 15
    assert row.committed_pence == 15 * 120_000
    assert row.paid_pence == 10 * 120_000


def test_charts_are_accessible_with_the_figures_in_a_table(client, contract, commissioner):
    decided_claim(contract.outcome_metrics.get(), units=12)
    html = client.get(URL).content.decode()
    assert html.count('role="img"') == 2
    assert '<title id="chart-spend-title">Spend against budget' in html
    assert '<desc id="chart-spend-desc">' in html
    assert 'aria-labelledby="chart-outcomes-title chart-outcomes-desc"' in html
    # The table beside the chart carries the same figures.
    assert "Spend against budget by challenge phase: figures" in html
    assert '<text x="' in html and "12 (8% of target)</text>" in html
    assert 'data-label="Verified">12 (8% of target)</td>' in html


def test_chart_escapes_labels():
    chart = charts.Chart(
        key="t",
        title="A <b>title</b>",
        description="d",
        series=(charts.Series("S", charts.BLUE),),
        groups=(charts.Group("<script>x</script>", (charts.Bar(5, "£5"),)),),
    )
    svg = str(chart.svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;" in svg
    assert chart.rows == [("<script>x</script>", [("S", "£5")])]


def test_chart_bars_are_scaled_to_the_largest_value():
    chart = charts.Chart(
        key="t",
        title="t",
        description="d",
        series=(charts.Series("A", charts.BLUE), charts.Series("B", charts.GREEN)),
        groups=(charts.Group("g", (charts.Bar(100, "100"), charts.Bar(50, "50"))),),
    )
    svg = str(chart.svg)
    full = charts.bar_span(chart.groups)
    assert charts.WIDTH * charts.MIN_BAR_SHARE <= full < charts.WIDTH
    assert f'width="{full}"' in svg and f'width="{full // 2}"' in svg


def test_long_labels_are_shortened_in_the_chart_but_not_the_table():
    label = "A very long challenge title " * 5
    chart = charts.Chart(
        key="t",
        title="t",
        description="d",
        series=(charts.Series("A", charts.BLUE),),
        groups=(charts.Group(label, (charts.Bar(1, "1"),)),),
    )
    assert label not in str(chart.svg) and "…" in str(chart.svg)
    assert chart.rows[0][0] == label


def test_empty_portfolio_says_so(client, mfa_login, with_totp, buyer_org):
    user = with_totp(MembershipFactory(organisation=buyer_org, role=Role.COMMISSIONER).user)
    mfa_login(client, user)
    html = client.get(URL).content.decode()
    assert "Your organisation has no contracts yet" in html
    assert "No claims are waiting for your review" in html


def test_query_count_does_not_grow_with_the_portfolio(client, contract, commissioner):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    decided_claim(contract.outcome_metrics.get(), units=3)
    ClaimFactory(milestone=contract.milestones.first())
    count()  # the first request fills per-process caches (site settings and the like)
    small = count()
    for _ in range(3):
        more = _same_org_contract(contract)
        m1 = MilestoneFactory(contract=more)
        m2 = MilestoneFactory(contract=more)
        ClaimFactory(milestone=m1)
        decided_claim(m2)
        PortfolioDecision.objects.create(contract=more, decision="continue", notes="Fine")
    assert count() == small


# --- CSV export ----------------------------------------------------------------------------------


def test_export_csv_has_a_row_per_contract_with_the_figures(client, contract, commissioner):
    decided_claim(contract.milestones.order_by("order").first())
    contract_with_plan()  # another buyer's: not exported
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Reference", "Title", "Challenge"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == contract.reference
    assert row["Value (£)"] == "200000"
    assert row["Approved (£)"] == "20000"
    assert row["Paid (£)"] == "20000"


def test_export_csv_neutralises_formulas(client, contract, commissioner):
    Contract.objects.filter(pk=contract.pk).update(title='=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode())))
    assert rows[1][1].startswith("'=")


def test_export_query_count_does_not_grow(client, contract, commissioner):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(EXPORT)
        return len(queries)

    count()
    small = count()
    for _ in range(3):
        _same_org_contract(contract)
    assert count() == small


# --- Decisions -------------------------------------------------------------------------------------


def test_commissioner_records_a_decision(client, contract, commissioner):
    assert client.get(_decision_url(contract)).status_code == 200
    response = client.post(
        _decision_url(contract), {"decision": "scale_up", "notes": "Strong results in phase 1."}
    )
    assert response.status_code == 302 and response["Location"] == URL
    decision = PortfolioDecision.objects.get(contract=contract)
    assert decision.decision == "scale_up" and decision.decided_by == commissioner
    assert AuditEvent.objects.filter(verb="contract.portfolio_decision").exists()
    html = client.get(URL).content.decode()
    assert "Scale up" in html


@pytest.mark.parametrize(
    "data", [{}, {"decision": "grow", "notes": "x"}, {"decision": "stop", "notes": ""}]
)
def test_bad_decision_input_shows_errors(client, contract, commissioner, data):
    response = client.post(_decision_url(contract), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not PortfolioDecision.objects.exists()


def test_decision_on_a_draft_is_refused_with_a_message(client, contract, commissioner):
    draft = ContractFactory(buyer=contract.buyer)
    response = client.post(_decision_url(draft), {"decision": "stop", "notes": "Too slow"})
    assert response.status_code == 200
    assert "once the supplier has accepted" in response.content.decode()


def test_unknown_contract_reference_is_404(client, commissioner):
    assert client.get("/commissioning/contracts/CON-NOPE/decision/").status_code == 404


# --- Remittance file -------------------------------------------------------------------------------


def test_remittance_lists_ledger_payments_sent_to_finance(client, contract, commissioner):
    first, second = contract.milestones.order_by("order")
    waiting = decided_claim(first, payment_status=Payment.Status.SUBMITTED)
    decided_claim(second)  # already paid: not in the file
    elsewhere = contract_with_plan()
    decided_claim(elsewhere.milestones.first(), payment_status=Payment.Status.SUBMITTED)

    response = client.get("/commissioning/remittance.csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert rows[1][3] == contract.reference and rows[1][5] == waiting.reference
    assert rows[1][2] == "20000.00"
    assert Payment.objects.get(claim=waiting).exported_at is not None
