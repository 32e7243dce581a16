"""Claims: who may submit, what may be claimed, evidence, double posts, the review transitions
(every status against every action), access isolation and atomicity."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from contracts import signals
from contracts.models import Claim, Contract, Milestone, OutcomeMetric, Payment, PhaseBudget
from contracts.models.claims import MAX_UNITS
from contracts.services.claims import (
    claim_approve,
    claim_approve_part,
    claim_query,
    claim_reject,
    claim_respond,
    claim_submit_milestone,
    claim_submit_outcome,
)
from marketplace.accounts.models import Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
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
from tests.factories.contracts_c2 import last_month, milestone_claim, outcome_claim

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Submitting -------------------------------------------------------------------------------


def test_supplier_admin_claims_a_milestone_with_evidence(
    django_capture_on_commit_callbacks, mailoutbox
):
    contract = contract_with_plan()
    milestone = contract.milestones.order_by("order").first()
    admin = supplier_admin_for(contract)
    commissioner = commissioner_for(contract)
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_submit_milestone(
            milestone=milestone, by=admin, notes="Report attached.", files=[_pdf()]
        )
    assert claim.reference.startswith("CLM-")
    assert (claim.status, claim.requested_pence) == (Claim.Status.SUBMITTED, 2_000_000)
    evidence = claim.evidence.get()
    assert evidence.original_name == "report.pdf"
    assert evidence.file.name.endswith(".pdf") and "report" not in evidence.file.name
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [[commissioner.email]]
    assert claim.reference in mailoutbox[0].subject


def test_evidence_of_the_wrong_type_is_refused_with_the_allowed_types():
    contract = contract_with_plan()
    milestone = contract.milestones.first()
    html = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationFailed) as refused:
        claim_submit_milestone(
            milestone=milestone, by=supplier_admin_for(contract), notes="x", files=[html]
        )
    assert "PDF" in str(refused.value) and "Word document (DOCX)" in str(refused.value)
    assert not Claim.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SCHEDULED


@pytest.mark.parametrize("who", ["member", "competitor", "commissioner", "other_buyer"])
def test_only_the_contract_suppliers_admins_can_claim(who):
    contract = contract_with_plan()
    other = ContractFactory(active=True)
    user = {
        "member": lambda: (
            MembershipFactory(
                organisation=contract.supplier.organisation, role=Role.SUPPLIER_MEMBER
            ).user
        ),
        "competitor": lambda: supplier_admin_for(other),
        "commissioner": lambda: commissioner_for(contract),
        "other_buyer": lambda: commissioner_for(other),
    }[who]()
    with pytest.raises(PermissionDenied):
        claim_submit_milestone(milestone=contract.milestones.first(), by=user, notes="x")
    start, end = last_month()
    with pytest.raises(PermissionDenied):
        claim_submit_outcome(
            metric=contract.outcome_metrics.get(),
            by=user,
            period_start=start,
            period_end=end,
            units=1,
            notes="x",
        )
    assert not Claim.objects.exists()


def test_claims_need_an_active_contract():
    contract = ContractFactory(value_pence=20_000_000)
    milestone = MilestoneFactory(contract=contract)
    with pytest.raises(InvalidTransition, match="active contract"):
        claim_submit_milestone(milestone=milestone, by=supplier_admin_for(contract), notes="x")


def test_a_milestone_cannot_be_claimed_twice_until_rejected():
    claim, admin, commissioner = milestone_claim()
    with pytest.raises(InvalidTransition):
        claim_submit_milestone(milestone=claim.milestone, by=admin, notes="again")
    claim_reject(claim=claim, by=commissioner, reason="The report is missing the test results.")
    claim.milestone.refresh_from_db()
    assert claim.milestone.status == Milestone.Status.SCHEDULED
    again = claim_submit_milestone(milestone=claim.milestone, by=admin, notes="With results")
    assert again.pk != claim.pk


def test_the_same_form_posted_twice_makes_one_claim():
    contract = contract_with_plan()
    admin = supplier_admin_for(contract)
    token = uuid.uuid4()
    milestone = contract.milestones.first()
    first = claim_submit_milestone(milestone=milestone, by=admin, notes="x", form_token=token)
    second = claim_submit_milestone(milestone=milestone, by=admin, notes="x", form_token=token)
    assert first.pk == second.pk
    metric = contract.outcome_metrics.get()
    start, end = last_month()
    kwargs = {"period_start": start, "period_end": end, "units": 2, "notes": "x"}
    token = uuid.uuid4()
    one = claim_submit_outcome(metric=metric, by=admin, form_token=token, **kwargs)
    two = claim_submit_outcome(metric=metric, by=admin, form_token=token, **kwargs)
    assert one.pk == two.pk
    assert Claim.objects.count() == 2


@pytest.mark.parametrize(
    ("units", "message"),
    [
        (0, "1 or more"),
        (-3, "1 or more"),
        (MAX_UNITS + 1, "up to 1,000,000"),
        (126, "You can claim at most 125 more"),
    ],
)
def test_outcome_units_are_checked(units, message):
    contract = contract_with_plan()  # £1,200 a unit, cap £150,000: 125 units at most
    start, end = last_month()
    with pytest.raises(ValidationFailed, match=message):
        claim_submit_outcome(
            metric=contract.outcome_metrics.get(),
            by=supplier_admin_for(contract),
            period_start=start,
            period_end=end,
            units=units,
            notes="x",
        )


def test_a_claim_for_more_units_than_could_ever_be_paid_says_how_many_are_left():
    contract = contract_with_plan()
    metric = contract.outcome_metrics.get()
    OutcomeMetric.objects.filter(pk=metric.pk).update(committed_pence=metric.cap_pence - 250_000)
    start, end = last_month()
    kwargs = {"metric": metric, "by": supplier_admin_for(contract), "notes": "x"}
    with pytest.raises(ValidationFailed, match=r"at most 3 more: the cap has £2,500.00 left"):
        claim_submit_outcome(period_start=start, period_end=end, units=4, **kwargs)
    # Three is allowed: the third is paid in part if approved (the cap is rounded up).
    assert claim_submit_outcome(period_start=start, period_end=end, units=3, **kwargs)


def test_outcome_periods_are_checked():
    contract = contract_with_plan()
    metric = contract.outcome_metrics.get()
    admin = supplier_admin_for(contract)
    today = timezone.localdate()
    kwargs = {"metric": metric, "by": admin, "units": 1, "notes": "x"}
    with pytest.raises(ValidationFailed, match="after the start"):
        claim_submit_outcome(period_start=today, period_end=today - datetime.timedelta(1), **kwargs)
    with pytest.raises(ValidationFailed, match="must have ended"):
        claim_submit_outcome(period_start=today, period_end=today + datetime.timedelta(1), **kwargs)
    start, end = last_month()
    claim_submit_outcome(period_start=start, period_end=end, **kwargs)
    with pytest.raises(ValidationFailed, match="already claimed for some or all of this period"):
        claim_submit_outcome(period_start=start, period_end=end, **kwargs)
    with pytest.raises(ValidationFailed, match="does not overlap"):
        claim_submit_outcome(period_start=end, period_end=end, **kwargs)


# --- Query and answer ---------------------------------------------------------------------------


def test_query_and_answer_go_back_to_review(django_capture_on_commit_callbacks, mailoutbox):
    claim, admin, commissioner = milestone_claim()
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_query(claim=claim, by=commissioner, question="Where are the test results?")
    assert claim.status == Claim.Status.QUERIED
    assert mailoutbox[-1].to == [admin.email]
    assert "Where are the test results?" in mailoutbox[-1].body
    with pytest.raises(InvalidTransition):
        claim_approve(claim=claim, by=commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_respond(claim=claim, by=admin, answer="In appendix B.", files=[_pdf("b.pdf")])
    assert claim.status == Claim.Status.SUBMITTED
    assert claim.response_text == "In appendix B."
    assert claim.evidence.count() == 1
    assert mailoutbox[-1].to == [commissioner.email]


# --- Every action from every status ------------------------------------------------------------

# What the review allows from each status, written out here (not read from the model) so a
# change to the table has to be made on purpose in both places.
ALLOWED = {
    "submitted": {"approve", "approve_part", "reject", "query"},
    "queried": {"respond"},
    "approved": set(),
    "part_approved": set(),
    "rejected": set(),
}


def _put_in(claim: Claim, status: str) -> Claim:
    fields = {"status": status}
    if status in ("approved", "part_approved"):
        fields.update(approved_pence=1, reviewed_at=timezone.now(), decision_reason="Set up")
    if status == "rejected":
        fields.update(decision_reason="Set up", reviewed_at=timezone.now())
    Claim.objects.filter(pk=claim.pk).update(**fields)
    claim.refresh_from_db()
    return claim


def _act(action, claim, admin, commissioner):
    if action == "approve":
        return claim_approve(claim=claim, by=commissioner)
    if action == "approve_part":
        return claim_approve_part(claim=claim, by=commissioner, reason="Less", amount_pence=100)
    if action == "reject":
        return claim_reject(claim=claim, by=commissioner, reason="No")
    if action == "query":
        return claim_query(claim=claim, by=commissioner, question="Why?")
    return claim_respond(claim=claim, by=admin, answer="Because")


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", ["approve", "approve_part", "reject", "query", "respond"])
def test_every_action_from_every_status(status, action):
    claim, admin, commissioner = milestone_claim()
    claim = _put_in(claim, status)
    if action in ALLOWED[status]:
        _act(action, claim, admin, commissioner)
        claim.refresh_from_db()
        assert claim.status != status
    else:
        with pytest.raises(InvalidTransition):
            _act(action, claim, admin, commissioner)
        claim.refresh_from_db()
        assert claim.status == status
        assert not Payment.objects.exists()


# --- Approval -----------------------------------------------------------------------------------


def test_approval_commits_the_money_and_creates_one_pending_payment(
    django_capture_on_commit_callbacks,
):
    claim, _, commissioner = milestone_claim()
    met = []

    def receiver(sender, milestone, by, **kwargs):
        met.append((milestone.pk, by.pk))

    signals.milestone_met.connect(receiver, dispatch_uid="test-claims-met")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            payment = claim_approve(claim=claim, by=commissioner)
        assert payment.status == Payment.Status.PENDING
        assert payment.idempotency_key == f"payment-{claim.pk}"
        assert payment.provider == Payment.Provider.LEDGER
        assert met == []  # nothing is said before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.milestone_met.disconnect(dispatch_uid="test-claims-met")
    assert met == [(claim.milestone_id, commissioner.pk)]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED  # the ledger task ran after commit
    milestone = Milestone.objects.get(pk=claim.milestone_id)
    assert (milestone.status, milestone.committed_pence) == (Milestone.Status.MET, 2_000_000)
    assert Contract.objects.get(pk=claim.contract_id).committed_pence == 2_000_000
    assert PhaseBudget.objects.get(phase_id=claim.contract.phase_id).committed_pence == 2_000_000


def test_part_approval_marks_the_milestone_partly_met():
    claim, _, commissioner = milestone_claim()
    with pytest.raises(ValidationFailed, match="Enter why"):
        claim_approve_part(claim=claim, by=commissioner, reason=" ", amount_pence=1_000_000)
    with pytest.raises(ValidationFailed, match="less than the £20,000.00 claimed"):
        claim_approve_part(claim=claim, by=commissioner, reason="x", amount_pence=2_000_000)
    payment = claim_approve_part(
        claim=claim, by=commissioner, reason="Only half delivered", amount_pence=1_000_000
    )
    assert payment.amount_pence == 1_000_000
    assert Milestone.objects.get(pk=claim.milestone_id).status == Milestone.Status.PARTIALLY_MET


@pytest.mark.parametrize("who", ["buyer", "other_commissioner", "supplier_admin"])
def test_only_a_commissioner_of_the_buyer_reviews(who):
    claim, admin, _ = milestone_claim()
    user = {
        "buyer": lambda: buyer_user_for(claim.contract),
        "other_commissioner": lambda: commissioner_for(ContractFactory()),
        "supplier_admin": lambda: admin,
    }[who]()
    for action in ("approve", "approve_part", "reject", "query"):
        with pytest.raises(PermissionDenied):
            _act(action, claim, admin, user)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert not Payment.objects.exists()


def test_a_failed_payment_creation_leaves_nothing_half_done():
    claim, _, commissioner = milestone_claim()
    # Another payment already holds the idempotency key this approval would use.
    other = ClaimFactory(status=Claim.Status.APPROVED, approved_pence=1, reviewed_at=timezone.now())
    Payment.objects.create(
        claim=other,
        contract=other.contract,
        amount_pence=1,
        provider="ledger",
        idempotency_key=f"payment-{claim.pk}",
        approved_at=timezone.now(),
    )
    with pytest.raises((IntegrityError, ValidationFailed)):
        claim_approve(claim=claim, by=commissioner)
    claim.refresh_from_db()
    assert (claim.status, claim.approved_pence) == (Claim.Status.SUBMITTED, None)
    milestone = Milestone.objects.get(pk=claim.milestone_id)
    assert (milestone.status, milestone.committed_pence) == (Milestone.Status.SUBMITTED, 0)
    assert Contract.objects.get(pk=claim.contract_id).committed_pence == 0
    assert PhaseBudget.objects.get(phase_id=claim.contract.phase_id).committed_pence == 0
    assert not Payment.objects.filter(claim=claim).exists()


def test_outcome_approval_counts_verified_units():
    claim, _, commissioner = outcome_claim(units=4)
    claim_approve(claim=claim, by=commissioner)
    metric = OutcomeMetric.objects.get(pk=claim.metric_id)
    assert (metric.verified_units, metric.committed_pence) == (4, 480_000)
    with pytest.raises(ValidationFailed, match="more outcomes than were claimed"):
        other, _, commissioner = outcome_claim(
            claim.contract, units=2, period=(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
        )
        claim_approve_part(claim=other, by=commissioner, reason="x", units=3)
