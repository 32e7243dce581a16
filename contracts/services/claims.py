"""Claims for payment and their review: submit, query, answer, approve (in full or in part), reject.

Approving is the one place money is committed. It locks, in the order every contracts service
uses, the phase budget, the contract, the milestone or metric and then the claim; re-reads the
claim's status; works out what is left under every limit (``contracts.caps``) from the locked
rows; refuses anything over it with the amount that is left; adds the approved amount to each
running total with ``F()`` expressions; and creates the one ``Payment``. The provider is called
after commit by ``contracts.payment_tasks.execute_payment_task``. The database constraints on the
running totals and the one-to-one payment are the last line of defence.
"""

from __future__ import annotations

import datetime
import math

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import InvalidTransition, ValidationFailed
from marketplace.core.money import format_gbp
from marketplace.core.uploads import clean_document_upload

from .. import signals
from ..caps import allowance_from
from ..models import (
    Claim,
    ClaimEvidence,
    Contract,
    Milestone,
    OutcomeMetric,
    Payment,
    PhaseBudget,
)
from ..models.claims import MAX_UNITS
from ..providers import configured_name
from ._common import (
    clean_text,
    commissioner_emails,
    email_context,
    ensure_commissioner,
    ensure_supplier_admin,
    lock,
    lock_contract,
    once_per_token,
    queue_email,
    save,
    save_with_reference,
    supplier_admin_emails,
    transition,
)

EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "odt", "ods", "csv", "txt")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10

TRANSITIONS = Claim.TRANSITIONS


# --- Submitting ----------------------------------------------------------------------------------


def _ensure_active(contract: Contract) -> None:
    if contract.status != Contract.Status.ACTIVE:
        raise InvalidTransition(
            "You can only claim on an active contract. "
            "Accept the contract first, or contact the commissioner if it has ended."
        )


def _add_evidence(claim: Claim, files, *, by: User) -> int:
    files = [f for f in (files or ()) if f]
    if claim.evidence.count() + len(files) > MAX_EVIDENCE_FILES:
        raise ValidationFailed(
            f"You can send up to {MAX_EVIDENCE_FILES} evidence files with a claim", field="files"
        )
    for upload in files:
        original_name = str(getattr(upload, "name", "") or "evidence")[:255]
        checked = clean_document_upload(
            upload, allowed=EVIDENCE_KINDS, max_bytes=MAX_EVIDENCE_BYTES, label="evidence file"
        )
        ClaimEvidence.objects.create(
            claim=claim,
            file=checked,
            original_name=original_name,
            content_type=str(getattr(upload, "content_type", "") or "")[:100],
            size=checked.size,
            uploaded_by=by,
        )
    return len(files)


def _claim_context(claim: Claim) -> dict:
    from marketplace.notifications.services import absolute_url

    context = email_context(claim.contract)
    context.update(
        claim=claim.reference,
        claim_link=absolute_url(f"/claims/{claim.reference}/"),
        what=str(claim.target),
        kind=claim.get_kind_display(),
        requested=format_gbp(claim.requested_pence, show_pence=True),
        units=claim.units_claimed,
        approved=format_gbp(claim.approved_pence, show_pence=True) if claim.approved_pence else "",
        approved_units=claim.approved_units,
        reason=claim.decision_reason,
        question=claim.query_text,
        answer=claim.response_text,
        status=claim.get_status_display(),
    )
    return context


def _create_claim(claim: Claim, *, by: User, files) -> Claim:
    try:
        with transaction.atomic():
            save_with_reference(claim, prefix="CLM")
    except IntegrityError as exc:
        if claim.kind == Claim.Kind.MILESTONE:
            raise ValidationFailed("This milestone already has a claim") from exc
        raise ValidationFailed(
            "You have already claimed for this period. Choose a different period."
        ) from exc
    count = _add_evidence(claim, files, by=by)
    audit(
        by,
        "claim.submitted",
        claim,
        kind=claim.kind,
        requested_pence=claim.requested_pence,
        units=claim.units_claimed,
        files=count,
    )
    queue_email("claim_submitted", commissioner_emails(claim.contract), _claim_context(claim))
    return claim


@transaction.atomic
def claim_submit_milestone(
    *, milestone: Milestone, by: User, notes: str, files=(), form_token=None
) -> Claim:
    """The supplier says a milestone is done and sends the evidence; asks for its value."""

    def create() -> Claim:
        contract = lock_contract(milestone.contract)
        ensure_supplier_admin(by, contract)
        _ensure_active(contract)
        locked = lock(milestone)
        cleaned = clean_text(
            notes, what="what you did and how the evidence shows it", field="notes"
        )
        if locked.remaining_pence <= 0:
            raise ValidationFailed("There is nothing left to claim for this milestone")
        transition(locked, "submit", by=by, changes={"submitted_at": timezone.now()}, claim="new")
        claim = Claim(
            contract=contract,
            kind=Claim.Kind.MILESTONE,
            milestone=locked,
            requested_pence=locked.remaining_pence,
            notes=cleaned,
            submitted_at=timezone.now(),
            submitted_by=by,
        )
        return _create_claim(claim, by=by, files=files)

    return once_per_token(
        token=form_token,
        by=by,
        scope=f"contracts.claim.milestone.{milestone.pk}",
        model=Claim,
        create=create,
    )


def max_units_claimable(metric: OutcomeMetric) -> int:
    """The most units that could still be paid under the metric's cap (rounded up)."""
    return math.ceil(max(metric.remaining_pence, 0) / metric.tariff_pence)


@transaction.atomic
def claim_submit_outcome(
    *,
    metric: OutcomeMetric,
    by: User,
    period_start: datetime.date,
    period_end: datetime.date,
    units: int,
    notes: str,
    files=(),
    form_token=None,
) -> Claim:
    """The supplier reports outcomes achieved in a period; asks for units x tariff."""

    def create() -> Claim:
        contract = lock_contract(metric.contract)
        ensure_supplier_admin(by, contract)
        _ensure_active(contract)
        locked = lock(metric)
        cleaned = clean_text(
            notes, what="how the outcomes were achieved and checked", field="notes"
        )
        if not period_start or not period_end:
            raise ValidationFailed("Enter the start and end of the period", field="period_start")
        if period_end < period_start:
            raise ValidationFailed(
                "The end of the period must be the same as or after the start", field="period_end"
            )
        if period_end > timezone.localdate():
            raise ValidationFailed(
                "The period must have ended: you can only claim for outcomes already achieved",
                field="period_end",
            )
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValidationFailed("Enter a number of outcomes of 1 or more", field="units")
        if units > MAX_UNITS:
            raise ValidationFailed(f"Enter a number of outcomes up to {MAX_UNITS:,}", field="units")
        overlapping = (
            Claim.objects.filter(metric=locked, period_start__lte=period_end)
            .filter(period_end__gte=period_start)
            .exclude(status=Claim.Status.REJECTED)
        )
        if overlapping.exists():
            raise ValidationFailed(
                "You have already claimed for some or all of this period. "
                "Choose a period that does not overlap an earlier claim.",
                field="period_start",
            )
        most = max_units_claimable(locked)
        if most <= 0:
            raise ValidationFailed(
                f"No more outcomes can be paid for: the cap of "
                f"{format_gbp(locked.cap_pence)} has been reached",
                field="units",
            )
        if units > most:
            raise ValidationFailed(
                f"You can claim at most {most:,} more: the cap has "
                f"{format_gbp(locked.remaining_pence, show_pence=True)} left "
                f"at {format_gbp(locked.tariff_pence, show_pence=True)} each",
                field="units",
            )
        claim = Claim(
            contract=contract,
            kind=Claim.Kind.OUTCOME,
            metric=locked,
            period_start=period_start,
            period_end=period_end,
            units_claimed=units,
            requested_pence=units * locked.tariff_pence,
            notes=cleaned,
            submitted_at=timezone.now(),
            submitted_by=by,
        )
        return _create_claim(claim, by=by, files=files)

    return once_per_token(
        token=form_token,
        by=by,
        scope=f"contracts.claim.metric.{metric.pk}",
        model=Claim,
        create=create,
    )


# --- Query and answer ----------------------------------------------------------------------------


@transaction.atomic
def claim_query(*, claim: Claim, by: User, question: str) -> Claim:
    """The commissioner asks the supplier a question; the claim waits for the answer."""
    contract = lock_contract(claim.contract)
    ensure_commissioner(by, contract)
    claim = lock(claim)
    question = clean_text(question, what="your question for the supplier", field="question")
    transition(
        claim,
        "query",
        by=by,
        changes={"query_text": question, "queried_at": timezone.now(), "response_text": ""},
        question=question,
    )
    queue_email("claim_queried", supplier_admin_emails(contract), _claim_context(claim))
    return claim


@transaction.atomic
def claim_respond(*, claim: Claim, by: User, answer: str, files=()) -> Claim:
    """The supplier answers the question (with more evidence if needed); back to review."""
    contract = lock_contract(claim.contract)
    ensure_supplier_admin(by, contract)
    claim = lock(claim)
    answer = clean_text(answer, what="your answer", field="answer")
    TRANSITIONS.ensure(claim, "resubmit")
    count = _add_evidence(claim, files, by=by)
    transition(claim, "resubmit", by=by, changes={"response_text": answer}, files=count)
    queue_email("claim_answered", commissioner_emails(contract), _claim_context(claim))
    return claim


# --- Review --------------------------------------------------------------------------------------


def _lock_for_review(claim: Claim, by: User):
    """Lock budget -> contract -> milestone or metric -> claim, and check who and what status."""
    contract = Contract.objects.only("phase_id").get(pk=claim.contract_id)
    budget, _ = PhaseBudget.objects.select_for_update().get_or_create(
        phase_id=contract.phase_id,
        defaults={"envelope_pence": contract.phase.envelope_pence},
    )
    contract = lock_contract(contract)
    ensure_commissioner(by, contract)
    if claim.kind == Claim.Kind.MILESTONE:
        target = Milestone.objects.select_for_update().get(pk=claim.milestone_id)
    else:
        target = OutcomeMetric.objects.select_for_update().get(pk=claim.metric_id)
    claim = lock(claim)
    return budget, contract, target, claim


def _commit_money(
    *,
    claim: Claim,
    budget: PhaseBudget,
    contract: Contract,
    target,
    name: str,
    by: User,
    amount: int,
    units: int | None,
    reason: str,
) -> Payment:
    """Check the amount against every limit, then move the claim, the totals and the milestone
    and create the payment. Everything here is in the caller's transaction."""
    if contract.status != Contract.Status.ACTIVE:
        raise InvalidTransition("Claims can only be approved on an active contract")
    TRANSITIONS.ensure(claim, name)
    allowance = allowance_from(claim=claim, target=target, contract=contract, budget=budget)
    if amount > min(allowance.remaining.values()):
        raise ValidationFailed(allowance.refusal(amount), field="amount")
    now = timezone.now()
    transition(
        claim,
        name,
        by=by,
        changes={
            "approved_pence": amount,
            "approved_units": units,
            "decision_reason": reason,
            "reviewed_at": now,
            "reviewed_by": by,
        },
        amount_pence=amount,
        units=units,
        remaining=allowance.remaining,
    )
    PhaseBudget.objects.filter(pk=budget.pk).update(committed_pence=F("committed_pence") + amount)
    Contract.objects.filter(pk=contract.pk).update(committed_pence=F("committed_pence") + amount)
    if claim.kind == Claim.Kind.MILESTONE:
        Milestone.objects.filter(pk=target.pk).update(committed_pence=F("committed_pence") + amount)
        target.refresh_from_db()
        transition(
            target,
            "meet" if name == "approve" else "meet_part",
            by=by,
            changes={"met_at": now},
            claim=claim.reference,
        )
    else:
        OutcomeMetric.objects.filter(pk=target.pk).update(
            committed_pence=F("committed_pence") + amount,
            verified_units=F("verified_units") + (units or 0),
        )
    payment = Payment(
        claim=claim,
        contract=contract,
        amount_pence=amount,
        provider=configured_name(),
        idempotency_key=f"payment-{claim.pk}",
        approved_at=now,
    )
    save(payment)
    audit(by, "payment.created", payment, amount_pence=amount, provider=payment.provider)
    _after_approval(claim, payment, target, by=by)
    return payment


def _after_approval(claim: Claim, payment: Payment, target, *, by: User) -> None:
    from ..payment_tasks import execute_payment_task

    payment_id = payment.pk
    # Robust: a broker that is down must not turn a committed approval into an error page;
    # reconciliation (every 15 minutes) sends any payment whose task was never queued.
    transaction.on_commit(lambda: execute_payment_task.delay(payment_id), robust=True)
    if claim.kind == Claim.Kind.MILESTONE:
        milestone = target
        transaction.on_commit(
            lambda: signals.milestone_met.send(sender=Milestone, milestone=milestone, by=by),
            robust=True,
        )
    queue_email("claim_decided", supplier_admin_emails(claim.contract), _claim_context(claim))


@transaction.atomic
def claim_approve(*, claim: Claim, by: User) -> Payment:
    """Approve the whole claim. Refused, with what is left, when any limit has less than the
    claim asks for: the commissioner can then approve it in part."""
    budget, contract, target, claim = _lock_for_review(claim, by)
    return _commit_money(
        claim=claim,
        budget=budget,
        contract=contract,
        target=target,
        name="approve",
        by=by,
        amount=claim.requested_pence,
        units=claim.units_claimed if claim.kind == Claim.Kind.OUTCOME else None,
        reason="",
    )


@transaction.atomic
def claim_approve_part(
    *,
    claim: Claim,
    by: User,
    reason: str,
    amount_pence: int | None = None,
    units: int | None = None,
) -> Payment:
    """Approve less than the claim asks for, with a reason.

    Milestone claims: a lower ``amount_pence``. Outcome claims: the ``units`` verified (fewer
    than claimed), paid at the tariff, or a lower ``amount_pence`` for those units.
    """
    budget, contract, target, claim = _lock_for_review(claim, by)
    reason = clean_text(reason, what="why only part of the claim is approved", field="reason")
    if claim.kind == Claim.Kind.OUTCOME:
        if units is None and amount_pence is None:
            raise ValidationFailed("Enter how many outcomes you have verified", field="units")
        if units is None:
            units = claim.units_claimed
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValidationFailed("Enter a number of outcomes of 1 or more", field="units")
        if units > claim.units_claimed:
            raise ValidationFailed(
                f"You cannot verify more outcomes than were claimed ({claim.units_claimed:,})",
                field="units",
            )
        ceiling = units * target.tariff_pence
        amount = ceiling if amount_pence is None else amount_pence
        if amount > ceiling:
            raise ValidationFailed(
                f"{units:,} outcomes at {format_gbp(target.tariff_pence, show_pence=True)} "
                f"come to {format_gbp(ceiling, show_pence=True)}: enter that or less",
                field="amount",
            )
    else:
        if units is not None:
            raise ValidationFailed("A milestone claim is approved by amount, not by units")
        if amount_pence is None:
            raise ValidationFailed("Enter the amount to approve", field="amount")
        amount = amount_pence
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValidationFailed("Enter an amount of at least £0.01", field="amount")
    allowance = allowance_from(claim=claim, target=target, contract=contract, budget=budget)
    if amount > min(allowance.remaining.values()):
        raise ValidationFailed(allowance.refusal(amount), field="amount")
    if amount >= claim.requested_pence and (
        claim.kind == Claim.Kind.MILESTONE or units == claim.units_claimed
    ):
        raise ValidationFailed(
            f"Approving in part must be for less than the "
            f"{format_gbp(claim.requested_pence, show_pence=True)} claimed. "
            "To approve the whole claim, choose Approve.",
            field="amount",
        )
    return _commit_money(
        claim=claim,
        budget=budget,
        contract=contract,
        target=target,
        name="approve_part",
        by=by,
        amount=amount,
        units=units if claim.kind == Claim.Kind.OUTCOME else None,
        reason=reason,
    )


@transaction.atomic
def claim_reject(*, claim: Claim, by: User, reason: str) -> Claim:
    """Refuse the claim with a reason. A rejected milestone claim frees the milestone again."""
    contract = lock_contract(claim.contract)
    ensure_commissioner(by, contract)
    target = None
    if claim.kind == Claim.Kind.MILESTONE:
        target = Milestone.objects.select_for_update().get(pk=claim.milestone_id)
    claim = lock(claim)
    reason = clean_text(reason, what="why the claim is rejected", field="reason")
    transition(
        claim,
        "reject",
        by=by,
        changes={"decision_reason": reason, "reviewed_at": timezone.now(), "reviewed_by": by},
        reason=reason,
    )
    if target is not None and Milestone.TRANSITIONS.can("reopen", target.status):
        transition(target, "reopen", by=by, changes={"submitted_at": None}, claim=claim.reference)
    queue_email("claim_decided", supplier_admin_emails(contract), _claim_context(claim))
    return claim
