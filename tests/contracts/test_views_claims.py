"""Claim pages: the supplier's milestone and outcome claim forms (idempotent, evidence checked
by content), the claim page, the question and answer, and the commissioner's review with the
cap shown and enforced."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Claim, Contract, Milestone, Payment
from tests.factories.contracts import ClaimFactory, contract_with_plan
from tests.factories.contracts_c3 import html_upload, parties_for, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_with_plan()


@pytest.fixture
def people(contract):
    return parties_for(contract)


@pytest.fixture
def milestone(contract):
    return contract.milestones.order_by("order").first()


@pytest.fixture
def metric(contract):
    return contract.outcome_metrics.first()


def _claim_form(client, url) -> str:
    """GET the form and return its one-time token."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]["form_token"].value()


# --- Milestone claims ------------------------------------------------------------------------


def test_supplier_claims_a_milestone_with_evidence(client, contract, people, milestone):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:milestone_claim", args=[contract.reference, milestone.pk])
    page = client.get(url).content.decode()
    assert "You will ask for" in page
    assert "£20,000" in page
    token = _claim_form(client, url)
    response = client.post(
        url,
        {
            "form_token": token,
            "notes": "The report is attached.",
            "evidence": [pdf_upload("report.pdf"), pdf_upload("annex.pdf")],
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(milestone=milestone)
    assert response.url == reverse("contracts:claim", args=[claim.reference])
    assert claim.requested_pence == 2_000_000
    assert sorted(e.original_name for e in claim.evidence.all()) == ["annex.pdf", "report.pdf"]
    page = client.get(response.url).content.decode()
    assert "Claim submitted" in page
    assert "report.pdf" in page


def test_posting_the_same_claim_form_twice_makes_one_claim(client, contract, people, milestone):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:milestone_claim", args=[contract.reference, milestone.pk])
    token = _claim_form(client, url)
    first = client.post(url, {"form_token": token, "notes": "Done", "evidence": pdf_upload()})
    second = client.post(url, {"form_token": token, "notes": "Done", "evidence": pdf_upload()})
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Claim.objects.filter(milestone=milestone).count() == 1


def test_evidence_of_the_wrong_type_is_refused_with_a_message(client, contract, people, milestone):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:milestone_claim", args=[contract.reference, milestone.pk])
    response = client.post(
        url, {"form_token": _claim_form(client, url), "notes": "Done", "evidence": html_upload()}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "report.pdf" in body  # the message names the file that was refused
    assert not Claim.objects.exists()


def test_a_claim_needs_notes_and_evidence(client, contract, people, milestone):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:milestone_claim", args=[contract.reference, milestone.pk])
    response = client.post(url, {"form_token": _claim_form(client, url)})
    body = response.content.decode()
    assert "Tell us how you met this milestone" in body
    assert "Select at least one evidence file" in body
    assert not Claim.objects.exists()


def test_a_milestone_with_a_claim_cannot_be_claimed_again(client, contract, people, milestone):
    ClaimFactory(milestone=milestone)
    Milestone.objects.filter(pk=milestone.pk).update(status=Milestone.Status.SUBMITTED)
    client.force_login(people.supplier_admin)
    url = reverse("contracts:milestone_claim", args=[contract.reference, milestone.pk])
    assert client.get(url).status_code == 302
    response = client.post(url, {"notes": "Again", "evidence": pdf_upload()})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Claim.objects.filter(milestone=milestone).count() == 1


def test_claiming_on_a_draft_contract_is_refused(client, contract, people, milestone):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.DRAFT)
    client.force_login(people.supplier_admin)
    url = reverse("contracts:milestone_claim", args=[contract.reference, milestone.pk])
    response = client.post(url, {"notes": "Done", "evidence": pdf_upload()})
    assert response.status_code == 302
    assert not Claim.objects.exists()


# --- Outcome claims ---------------------------------------------------------------------------


def _period():
    end = timezone.localdate() - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=90)
    return start, end


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_supplier_claims_outcomes_for_a_period(client, contract, people, metric):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:outcome_claim", args=[contract.reference, metric.pk])
    start, end = _period()
    response = client.post(
        url,
        {
            "form_token": _claim_form(client, url),
            **_date("period_start", start),
            **_date("period_end", end),
            "units": "12",
            "notes": "Checked against council case records.",
            "evidence": pdf_upload("case-records.pdf"),
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(metric=metric)
    assert claim.units_claimed == 12
    assert claim.requested_pence == 12 * 120_000


def test_claiming_more_outcomes_than_the_cap_allows_is_refused(client, contract, people, metric):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:outcome_claim", args=[contract.reference, metric.pk])
    start, end = _period()
    response = client.post(
        url,
        {
            "form_token": _claim_form(client, url),
            **_date("period_start", start),
            **_date("period_end", end),
            "units": "126",  # the £150,000 cap pays for 125 at £1,200
            "notes": "A good quarter.",
            "evidence": pdf_upload(),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "You can claim at most 125 more" in body
    assert not Claim.objects.exists()


@pytest.mark.parametrize("units", ["NaN", "1e30", "-3", "0", "9" * 40, "twelve"])
def test_nonsense_units_are_refused_with_a_message(client, contract, people, metric, units):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:outcome_claim", args=[contract.reference, metric.pk])
    start, end = _period()
    response = client.post(
        url,
        {
            **_date("period_start", start),
            **_date("period_end", end),
            "units": units,
            "notes": "x",
            "evidence": pdf_upload(),
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(client, contract, people, metric):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:outcome_claim", args=[contract.reference, metric.pk])
    start, end = _period()
    response = client.post(
        url,
        {
            **_date("period_start", end),
            **_date("period_end", start),
            "units": "3",
            "notes": "x",
            "evidence": pdf_upload(),
        },
    )
    assert "The end of the period must be on or after its start" in response.content.decode()


# --- Review ----------------------------------------------------------------------------------


@pytest.fixture
def claim(milestone):
    Milestone.objects.filter(pk=milestone.pk).update(status=Milestone.Status.SUBMITTED)
    return ClaimFactory(milestone=milestone)


def _review(client, claim, **data):
    return client.post(reverse("contracts:claim_review", args=[claim.reference]), data)


def test_commissioner_sees_the_review_form_and_what_can_be_approved(
    client, claim, people, mfa_login
):
    mfa_login(client, people.commissioner)
    body = client.get(reverse("contracts:claim", args=[claim.reference])).content.decode()
    assert "Review the claim" in body
    assert "You can approve up to £20,000" in body
    assert 'data-aria-controls="conditional-reject"' in body


def test_supplier_sees_no_review_form(client, claim, people):
    client.force_login(people.supplier_admin)
    body = client.get(reverse("contracts:claim", args=[claim.reference])).content.decode()
    assert "Review the claim" not in body


def test_commissioner_approves_a_claim(client, claim, people, mfa_login):
    mfa_login(client, people.commissioner)
    response = _review(client, claim, decision="approve")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert Payment.objects.get(claim=claim).amount_pence == 2_000_000
    body = client.get(response.url).content.decode()
    assert "Claim approved. The payment has been sent for processing." in body
    assert "Review the claim" not in body


def test_approving_twice_makes_one_payment(client, claim, people, mfa_login):
    mfa_login(client, people.commissioner)
    _review(client, claim, decision="approve")
    response = _review(client, claim, decision="approve")
    assert response.status_code == 302
    assert "not waiting for a decision" in client.get(response.url).content.decode()
    assert Payment.objects.filter(claim=claim).count() == 1


def test_approving_in_part_needs_an_amount_and_a_reason(client, claim, people, mfa_login):
    mfa_login(client, people.commissioner)
    response = _review(client, claim, decision="approve_part")
    body = response.content.decode()
    assert "Enter the amount to approve" in body
    assert "Say why you are approving only part of the claim" in body
    response = _review(
        client, claim, decision="approve_part", amount="15000", part_reason="Half the tests ran."
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PART_APPROVED
    assert claim.approved_pence == 1_500_000


def test_approval_over_the_cap_is_refused_showing_what_is_left(
    client, contract, claim, people, mfa_login
):
    # Only £5,000 is left under the contract value.
    Contract.objects.filter(pk=contract.pk).update(committed_pence=contract.value_pence - 500_000)
    mfa_login(client, people.commissioner)
    body = client.get(reverse("contracts:claim", args=[claim.reference])).content.decode()
    assert "You can approve at most £5,000 (limited by the contract value)" in body
    response = _review(client, claim, decision="approve")
    assert response.status_code == 200
    assert "£5,000" in response.content.decode()
    response = _review(client, claim, decision="approve_part", amount="6000", part_reason="Capped")
    assert response.status_code == 200
    assert "You can approve at most £5,000.00" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e30", "-5", "£££", "1" * 40])
def test_nonsense_amounts_are_refused_with_a_message(client, claim, people, mfa_login, amount):
    mfa_login(client, people.commissioner)
    response = _review(client, claim, decision="approve_part", amount=amount, part_reason="x")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Payment.objects.exists()


def test_rejecting_needs_a_reason(client, claim, people, mfa_login, milestone):
    mfa_login(client, people.commissioner)
    response = _review(client, claim, decision="reject")
    assert "Say why you are rejecting the claim" in response.content.decode()
    response = _review(client, claim, decision="reject", reject_reason="No evidence of testing.")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SCHEDULED


def test_no_decision_chosen_is_refused(client, claim, people, mfa_login):
    mfa_login(client, people.commissioner)
    response = _review(client, claim)
    assert "Select your decision" in response.content.decode()


def test_query_then_answer_puts_the_claim_back_for_review(client, claim, people, mfa_login):
    mfa_login(client, people.commissioner)
    response = _review(client, claim, decision="query", question="Which sites were tested?")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.QUERIED

    client.force_login(people.supplier_admin)
    page = client.get(reverse("contracts:claim", args=[claim.reference])).content.decode()
    assert "Which sites were tested?" in page
    assert "Answer the question" in page
    url = reverse("contracts:claim_respond", args=[claim.reference])
    response = client.post(url, {"answer": ""})
    assert "Enter your answer" in response.content.decode()
    response = client.post(
        url, {"answer": "Leeds and Bradford.", "evidence": pdf_upload("sites.pdf")}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert claim.response_text == "Leeds and Bradford."
    page = client.get(response.url).content.decode()
    assert "sites.pdf" in page
    assert "History" in page


def test_outcome_claim_approved_in_part_by_units(client, metric, people, mfa_login):
    start, end = _period()
    claim = ClaimFactory(
        milestone=None,
        metric=metric,
        contract=metric.contract,
        kind=Claim.Kind.OUTCOME,
        period_start=start,
        period_end=end,
        units_claimed=10,
        requested_pence=10 * metric.tariff_pence,
    )
    mfa_login(client, people.commissioner)
    page = client.get(reverse("contracts:claim", args=[claim.reference])).content.decode()
    assert "Number of outcomes to approve" in page
    response = _review(
        client, claim, decision="approve_part", units="7", part_reason="3 had no case record."
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PART_APPROVED
    assert claim.approved_units == 7
    assert claim.approved_pence == 7 * metric.tariff_pence
    metric.refresh_from_db()
    assert metric.verified_units == 7
