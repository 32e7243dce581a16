"""The contract journey from the issue's "Done when", in a real browser.

A supplier accepts its contract and submits milestone evidence; the commissioner (signed in
with two-factor) approves it; the payment goes to a real local ``localstripe`` (the buyer's
saved card charged off-session) and becomes paid when Stripe's webhook arrives (posted to the
live server, signed with the webhook secret as Stripe signs it). An outcome claim over the
metric's cap is refused in full, with what is left shown, then approved in part at the cap.
Finally the commissioner's portfolio shows the contract and its money.

The outcome claim itself is submitted through the service the page calls (its form is covered
by the view tests), to keep the journey quick.
"""

import datetime
import urllib.error
import urllib.request

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import Claim, Contract, Payment
from contracts.services import claims as claiming
from marketplace.accounts.models import Role
from tests.contracts.conftest import (  # noqa: F401 (fixtures used by name)
    localstripe,
    localstripe_server,
    save_card,
    sign_webhook,
    stripe_event,
)
from tests.e2e.conftest import _new_page, sign_in
from tests.factories import MembershipFactory
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.contracts import ContractFactory, MilestoneFactory, OutcomeMetricFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def patient_expect():
    """Give assertions the same patience as the clicks (see ``open_page``), for this module
    only: Playwright's default is 5 seconds."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def open_page(browser, live_server):
    """Open another signed-out browser (each person in the journey has their own)."""
    contexts = []

    def open_one(width: int = 1024):
        context, page = _new_page(browser, live_server, viewport={"width": width, "height": 900})
        # Accepting and approving make PDFs and call localstripe inside the request (Celery is
        # eager in tests), which takes a while on a busy machine.
        page.set_default_timeout(90_000)
        contexts.append(context)
        return page

    yield open_one
    for context in contexts:
        context.close()


def _post_webhook(url: str, payload: bytes, signature: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        url,
        data=payload,
        method="POST",
        headers={"Content-Type": "application/json", "Stripe-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read().decode()


def test_contract_journey(open_page, live_server, localstripe, sign_webhook, tmp_path):  # noqa: F811
    contract = ContractFactory(value_pence=20_000_000)
    milestone = MilestoneFactory(
        contract=contract, order=1, title="Feasibility report", value_pence=2_000_000
    )
    # £1,200 an outcome, capped at £5,000: a claim for 5 (£6,000) can be paid only in part.
    metric = OutcomeMetricFactory(contract=contract, cap_pence=500_000)
    supplier = MembershipFactory(
        organisation=contract.supplier.organisation,
        role=Role.SUPPLIER_ADMIN,
        user__full_name="Sam Supplier",
    ).user
    commissioner = MembershipFactory(
        organisation=contract.buyer, role=Role.COMMISSIONER, user__full_name="Chris Commissioner"
    ).user
    TOTP.activate(commissioner, SECRET)
    save_card(contract.buyer, commissioner)
    evidence = tmp_path / "feasibility-report.pdf"
    evidence.write_bytes(PDF)

    # The supplier accepts the contract and claims the milestone.
    page = open_page()
    sign_in(page, supplier.email, DEFAULT_PASSWORD)
    page.goto(f"/contracts/{contract.reference}/accept/")
    page.get_by_label("Type your full name to sign").fill("Sam Supplier")
    page.get_by_label("I have read the contract", exact=False).check()
    page.get_by_role("button", name="Accept and sign the contract").click()
    expect(page.locator("body")).to_contain_text("Contract accepted")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE and contract.accepted_name == "Sam Supplier"

    page.goto(f"/contracts/{contract.reference}/milestones/{milestone.pk}/claim/")
    page.get_by_label("Tell us how you met this milestone").fill(
        "The feasibility report is attached, with the results of the trial on 12 roads."
    )
    page.get_by_label("Evidence files").set_input_files(str(evidence))
    page.get_by_role("button", name="Submit claim", exact=False).click()
    claim = Claim.objects.get(milestone=milestone)
    expect(page.locator("body")).to_contain_text(claim.reference)

    today = timezone.localdate()
    outcome_claim = claiming.claim_submit_outcome(
        metric=metric,
        by=supplier,
        period_start=today - datetime.timedelta(days=90),
        period_end=today - datetime.timedelta(days=1),
        units=5,
        notes="5 residents in work for 13 weeks; case numbers in the list.",
    )

    # The commissioner, signed in with two-factor, approves the milestone claim.
    desk = open_page()
    sign_in(desk, commissioner.email, DEFAULT_PASSWORD, totp_secret=SECRET)
    desk.goto(f"/claims/{claim.reference}/")
    desk.get_by_label("Approve", exact=True).check()
    desk.get_by_role("button", name="Confirm decision").click()
    expect(desk.locator("body")).to_contain_text("Claim approved")

    # Celery (eager in tests) charged the buyer's saved card on localstripe off-session.
    payment = Payment.objects.get(claim=claim)
    assert payment.provider == Payment.Provider.STRIPE
    assert payment.status == Payment.Status.SUBMITTED
    assert payment.provider_payment_id.startswith("pi_")

    # Stripe tells us it succeeded: a signed webhook to the live server marks it paid.
    event = stripe_event(
        "payment_intent.succeeded",
        {
            "id": payment.provider_payment_id,
            "object": "payment_intent",
            "amount": payment.amount_pence,
            "currency": "gbp",
            "status": "succeeded",
            "metadata": {"payment": str(payment.pk), "claim": claim.reference},
        },
    )
    payload, signature = sign_webhook(event)
    webhook = f"{live_server.url}/payments/webhook/stripe"
    assert _post_webhook(webhook, payload, signature)[0] == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.paid_at is not None
    # The same event again changes nothing; an unsigned one is refused.
    assert _post_webhook(webhook, payload, signature)[0] == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post_webhook(webhook, payload, "t=1,v1=bad")
    assert refused.value.code == 400

    # The outcome claim asks for £6,000; only £5,000 is left under the cap.
    desk.goto(f"/claims/{outcome_claim.reference}/")
    desk.get_by_label("Approve", exact=True).check()
    desk.get_by_role("button", name="Confirm decision").click()
    expect(desk.locator("body")).to_contain_text("£5,000")
    outcome_claim.refresh_from_db()
    assert outcome_claim.status == Claim.Status.SUBMITTED

    desk.get_by_label("Approve in part").check()
    desk.get_by_label("Number of outcomes to approve").fill("5")
    desk.get_by_label("Amount to approve").fill("5000")
    desk.get_by_label("Why are you approving only part?").fill(
        "5 outcomes verified; the cap for this outcome leaves £5,000."
    )
    desk.get_by_role("button", name="Confirm decision").click()
    expect(desk.locator("body")).to_contain_text("Claim approved in part")
    outcome_claim.refresh_from_db()
    metric.refresh_from_db()
    assert outcome_claim.status == Claim.Status.PART_APPROVED
    assert outcome_claim.payment.amount_pence == 500_000
    assert metric.committed_pence == metric.cap_pence

    # The portfolio shows the contract with its money, on a desktop and on a phone.
    desk.goto("/commissioning/")
    expect(desk.get_by_role("heading", name="Commissioning", exact=True)).to_be_visible()
    body = desk.locator("body")
    expect(body).to_contain_text(contract.reference)
    expect(body).to_contain_text("£20,000 of £200,000")  # paid of value
    expect(body).to_contain_text("5 (3% of target)")
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.screenshot(path=str(tmp_path / "commissioning-1280.png"), full_page=True)
    desk.set_viewport_size({"width": 320, "height": 800})
    desk.screenshot(path=str(tmp_path / "commissioning-320.png"), full_page=True)
    # Nothing wider than the phone's screen: tables stack and the charts scale.
    overflow = desk.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
