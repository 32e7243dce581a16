"""The contract lifecycle: made from a funding decision, accepted by the supplier, completed or
ended early by the commissioner; milestones flagged when overdue; red/amber/green kept fresh.

Which status each step may start from, its audit event and its "done" message come from
``Contract.TRANSITIONS`` and ``Milestone.TRANSITIONS`` (``contracts/models/contract.py``).
Side effects (PDFs, emails, the ``contract_ended`` event) happen after commit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from challenges.models import Application, Phase
from marketplace.accounts.models import Role, User
from marketplace.accounts.permissions import has_role
from marketplace.core.audit import audit
from marketplace.core.errors import InvalidTransition, ValidationFailed

from .. import rag as rag_rules
from ..models import Claim, Contract, ContractDocument, Milestone, PhaseBudget, PortfolioDecision
from ..signals import contract_ended
from ._common import (
    clean_text,
    commissioner_emails,
    email_context,
    ensure_commissioner,
    ensure_supplier_admin,
    lock_contract,
    queue_email,
    save,
    save_with_reference,
    supplier_admin_emails,
    transition,
)

C_TRANSITIONS = Contract.TRANSITIONS
M_TRANSITIONS = Milestone.TRANSITIONS

# The contract starts a week after the decision, leaving time to read and accept it.
START_AFTER_DECISION = datetime.timedelta(days=7)

# The milestone plan every new contract gets: (share of the value in %, share of the duration,
# title, evidence required). Change requests move money and dates later.
DEFAULT_PLAN = (
    (
        30,
        (1, 3),
        "Inception: plan agreed and work started",
        "A project plan with named people, a risk register and the agreed success measures.",
    ),
    (
        40,
        (2, 3),
        "Interim report and demonstration",
        "A written interim report with results so far and a demonstration to the buyer.",
    ),
    (
        30,
        (1, 1),
        "Final report and handover",
        "A final report with the evidence of results, lessons learnt and what would happen next.",
    ),
)


# --- Making contracts --------------------------------------------------------------------------


def _contract_value(application: Application, phase: Phase) -> int:
    """What the supplier asked for, never more than the phase's budget per contract."""
    requested = application.requested_pence
    if requested:
        return min(requested, phase.budget_per_contract_pence)
    return phase.budget_per_contract_pence


def _owner(challenge) -> User | None:
    """The challenge's author, when they are (still) a buyer or commissioner of its buyer."""
    user = challenge.created_by
    if user is None or not user.is_active:
        return None
    return user if has_role(user, challenge.buyer, (Role.BUYER, Role.COMMISSIONER)) else None


def _default_milestones(contract: Contract) -> list[Milestone]:
    days = (contract.ends_on - contract.starts_on).days
    milestones, allocated = [], 0
    for order, (percent, (num, den), title, evidence) in enumerate(DEFAULT_PLAN, start=1):
        last = order == len(DEFAULT_PLAN)
        value = contract.value_pence - allocated if last else contract.value_pence * percent // 100
        allocated += value
        milestone = Milestone(
            contract=contract,
            order=order,
            title=title,
            evidence_required=evidence,
            due_on=contract.starts_on + datetime.timedelta(days=days * num // den),
            value_pence=value,
        )
        save(milestone)
        milestones.append(milestone)
    return milestones


@transaction.atomic
def contract_create_from_application(
    *, application: Application, by: User | None = None
) -> Contract:
    """Make the draft contract for a funded application (once: a second call returns it).

    Value: what the supplier asked for, capped at the phase's budget per contract (the phase's
    budget when nothing was asked). Dates: starts 7 days after the funding decision, runs for the
    phase's duration. IP and data terms come from the challenge. The phase's budget row is made
    with its first contract. A 30/40/30 milestone plan is added. The contract and award letter
    PDFs are made after commit, then the supplier's admins are emailed the award letter.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("phase", "phase__challenge", "phase__challenge__buyer", "supplier")
        .get(pk=application.pk)
    )
    existing = Contract.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.status != Application.Status.FUNDED:
        raise InvalidTransition("Only a funded application can become a contract")
    phase = application.phase
    challenge = phase.challenge
    decided_at = application.decided_at or phase.decided_at or timezone.now()
    starts_on = timezone.localdate(decided_at) + START_AFTER_DECISION
    contract = Contract(
        application=application,
        challenge=challenge,
        phase=phase,
        buyer=challenge.buyer,
        supplier=application.supplier,
        owner=_owner(challenge),
        title=(application.title or f"{challenge.title}: {phase.name}")[:200],
        value_pence=_contract_value(application, phase),
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(weeks=phase.duration_weeks),
        ip_terms=challenge.ip_terms,
        data_terms=challenge.data_terms,
        decided_at=decided_at,
    )
    save_with_reference(contract, prefix="CON")
    PhaseBudget.objects.get_or_create(
        phase=phase, defaults={"envelope_pence": phase.envelope_pence}
    )
    milestones = _default_milestones(contract)
    audit(
        by,
        "contract.created",
        contract,
        application=application.pk,
        value_pence=contract.value_pence,
        milestones=len(milestones),
    )
    _queue_documents(contract, reason="Contract created", notify="ready")
    return contract


def contracts_create_for_phase(*, phase: Phase, by: User | None = None) -> list[Contract]:
    """A contract for every funded application of ``phase`` (those that exist are kept).

    Each contract is its own transaction, so one that fails does not hold back the others;
    running this again makes only the ones still missing."""
    funded = Application.objects.filter(phase=phase, status=Application.Status.FUNDED).order_by(
        "pk"
    )
    return [contract_create_from_application(application=a, by=by) for a in funded]


# --- Documents ---------------------------------------------------------------------------------


def _queue_documents(contract: Contract, *, reason: str, notify: str = "", replace=False) -> None:
    from ..tasks import generate_contract_documents_task

    contract_id = contract.pk
    transaction.on_commit(
        lambda: generate_contract_documents_task.delay(
            contract_id, reason=reason, notify=notify, replace=replace
        )
    )


def _render(contract: Contract, kind: str) -> bytes:
    from marketplace.core.pdf import render_pdf

    from ..documents import TEMPLATES, document_context

    return render_pdf(TEMPLATES[kind], document_context(contract))


def _store(contract, kind: str, version: int, reason: str, pdf: bytes, existing=None):
    from django.core.files.base import ContentFile

    from ..documents import pdf_page_count

    document = existing or ContractDocument(contract=contract, kind=kind, version=version)
    document.reason = reason[:200]
    document.pages = pdf_page_count(pdf)
    if document.file:
        document.file.delete(save=False)
    name = f"{contract.reference}-{kind.replace('_', '-')}-v{version}.pdf"
    document.file.save(name, ContentFile(pdf), save=False)
    document.save()
    return document


def _load(contract_id: int) -> Contract | None:
    return (
        Contract.objects.select_related(
            "challenge", "phase", "buyer", "supplier", "owner", "accepted_by"
        )
        .filter(pk=contract_id)
        .first()
    )


def _missing(contract: Contract, *, replace: bool) -> list[str]:
    kinds = ContractDocument.Kind
    missing = []
    if not contract.documents.filter(kind=kinds.AWARD_LETTER).exists():
        missing.append(kinds.AWARD_LETTER)
    if replace or not contract.documents.filter(kind=kinds.CONTRACT, version=contract.version):
        missing.append(kinds.CONTRACT)
    return missing


def contract_documents_generate(
    *, contract_id: int, reason: str = "", replace: bool = False
) -> list[ContractDocument]:
    """Make the PDFs a contract is missing: the award letter (once) and the contract document
    for the current version. Safe to run again; returns what it made.

    ``replace`` re-renders the current version's contract document in place, which acceptance
    uses to add the supplier's signature without creating a new version of the terms.

    The PDFs are rendered first, without a lock (WeasyPrint takes seconds and claim reviews
    lock the contract row), then stored under the lock unless a new version or the acceptance
    came in meanwhile, in which case the task that change queued renders it again.
    """
    contract = _load(contract_id)
    if contract is None:
        return []
    rendered = {kind: _render(contract, kind) for kind in _missing(contract, replace=replace)}
    if not rendered:
        return []
    with transaction.atomic():
        locked = Contract.objects.select_for_update().filter(pk=contract_id).first()
        if locked is None:
            return []
        # What the contract PDF shows changes only with a new version or the acceptance, and
        # each of those queues its own task: a PDF rendered before either is left to it.
        if (locked.version, locked.accepted_at) != (contract.version, contract.accepted_at):
            rendered.pop(ContractDocument.Kind.CONTRACT, None)
        made = []
        still_missing = _missing(locked, replace=replace)
        for kind, pdf in rendered.items():
            if kind not in still_missing:
                continue
            existing = locked.documents.filter(kind=kind, version=locked.version).first()
            version = 1 if kind == ContractDocument.Kind.AWARD_LETTER else locked.version
            made.append(_store(locked, kind, version, reason or "Made", pdf, existing=existing))
        if made:
            locked.documents_generated_at = timezone.now()
            locked.save(update_fields=["documents_generated_at"])
            audit(
                None,
                "contract.documents_generated",
                locked,
                version=locked.version,
                reason=reason,
                documents=[d.pk for d in made],
            )
        return made


def contract_notify(*, contract_id: int, event: str) -> int:
    """Email about a contract once its documents exist (run by the documents task).

    ``"ready"``: the supplier's admins get the award letter and are asked to accept.
    ``"changed"``: both sides are told a new version of the contract is ready.
    """
    from marketplace.notifications.services import email_send

    contract = (
        Contract.objects.select_related("challenge", "phase", "buyer", "supplier", "owner")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        return 0
    context = email_context(contract)
    if event == "ready":
        if contract.status != Contract.Status.DRAFT:
            return 0
        to = supplier_admin_emails(contract)
        letter = contract.documents.filter(kind=ContractDocument.Kind.AWARD_LETTER).first()
        attachments = []
        if letter is not None and letter.file:
            with letter.file.open("rb") as stored:
                attachments.append(
                    (f"{contract.reference}-award-letter.pdf", stored.read(), "application/pdf")
                )
        from marketplace.core.dates import uk_datetime

        context["accept_by"] = uk_datetime(contract.decided_at + datetime.timedelta(days=21))
        if not to:
            return 0
        return email_send(
            template="contracts/email/ready", to=to, context=context, attachments=attachments
        )
    raise ValueError(f"Unknown contract email {event!r}")


# --- Acceptance, completion, termination -------------------------------------------------------


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_typed_name(user: User, typed_name: str) -> str:
    """The name a supplier admin types to sign.

    When we hold the person's full name, the typed name must be it (ignoring case and extra
    spaces): a signature is only worth something if it is the signer's own name, and a mismatch
    is most often a colleague signing under the wrong account. When we hold no full name, any
    name of at least two words is taken (a first name and a surname), as typed.
    """
    typed = " ".join((typed_name or "").split())
    if not typed:
        raise ValidationFailed("Type your full name to accept the contract", field="typed_name")
    if len(typed) > 150:
        raise ValidationFailed("Your name must be 150 characters or fewer", field="typed_name")
    full_name = (user.full_name or "").strip()
    if full_name:
        if _normalise_name(typed) != _normalise_name(full_name):
            raise ValidationFailed(
                f"Type your full name exactly as it is on your account: {full_name}",
                field="typed_name",
            )
    elif len(typed.split()) < 2:
        raise ValidationFailed(
            "Type your first name and your surname to accept the contract", field="typed_name"
        )
    return typed


@transaction.atomic
def contract_accept(*, contract: Contract, by: User, typed_name: str) -> Contract:
    """The supplier signs by typing their name: draft -> active.

    Records who accepted, when and the name as typed, and how long it took from the funding
    decision to an active contract. The contract PDF is re-made with the signature.
    """
    contract = lock_contract(contract)
    ensure_supplier_admin(by, contract)
    C_TRANSITIONS.ensure(contract, "accept")
    name = _check_typed_name(by, typed_name)
    now = timezone.now()
    contract = transition(
        contract,
        "accept",
        by=by,
        changes={
            "accepted_at": now,
            "accepted_by": by,
            "accepted_name": name,
            "decision_to_active": now - contract.decided_at,
        },
        accepted_name=name,
        decision_to_active_days=(now - contract.decided_at).days,
    )
    contract_refresh_rag(contract=contract)
    _queue_documents(contract, reason="Accepted by the supplier", replace=True)
    context = email_context(contract) | {"accepted_name": name}
    queue_email("active", supplier_admin_emails(contract) + commissioner_emails(contract), context)
    return contract


def _send_contract_ended(contract: Contract, by: User | None) -> None:
    transaction.on_commit(
        lambda: contract_ended.send(sender=Contract, contract=contract, by=by), robust=True
    )


@transaction.atomic
def contract_complete(*, contract: Contract, by: User) -> Contract:
    """The commissioner closes a delivered contract: active -> completed.

    Refused while a claim is waiting for review or an answer, so nothing is left half-decided.
    """
    contract = lock_contract(contract)
    ensure_commissioner(by, contract)
    C_TRANSITIONS.ensure(contract, "complete")
    waiting = contract.claims.filter(
        status__in=(Claim.Status.SUBMITTED, Claim.Status.QUERIED)
    ).count()
    if waiting:
        raise ValidationFailed(
            f"Decide the {waiting} {'claim' if waiting == 1 else 'claims'} waiting on this "
            "contract before you mark it as completed"
        )
    contract = transition(contract, "complete", by=by, changes={"completed_at": timezone.now()})
    _send_contract_ended(contract, by)
    queue_email(
        "ended", supplier_admin_emails(contract), email_context(contract) | {"completed": True}
    )
    return contract


def terminate_locked(contract: Contract, *, by: User | None, reason: str, **payload) -> Contract:
    """End a locked contract early (shared with the termination change request)."""
    contract = transition(
        contract,
        "terminate",
        by=by,
        changes={"terminated_at": timezone.now(), "termination_reason": reason},
        reason=reason,
        **payload,
    )
    _send_contract_ended(contract, by)
    queue_email(
        "ended",
        supplier_admin_emails(contract) + commissioner_emails(contract),
        email_context(contract) | {"completed": False, "reason": reason},
    )
    return contract


@transaction.atomic
def contract_terminate(*, contract: Contract, by: User, reason: str) -> Contract:
    """The commissioner ends a draft or active contract early, with a reason both sides see.
    Approved claims stay approved; nothing more can be claimed."""
    reason = clean_text(reason, what="why the contract is ending early", field="reason")
    contract = lock_contract(contract)
    ensure_commissioner(by, contract)
    C_TRANSITIONS.ensure(contract, "terminate")
    return terminate_locked(contract, by=by, reason=reason)


# --- Milestones and red/amber/green ------------------------------------------------------------


@transaction.atomic
def milestone_mark_not_met(*, milestone: Milestone, by: User, reason: str) -> Milestone:
    """The commissioner records that a deliverable was not met. The contract turns red."""
    reason = clean_text(reason, what="why the milestone was not met", field="reason")
    contract = lock_contract(milestone.contract)
    ensure_commissioner(by, contract)
    if contract.status != Contract.Status.ACTIVE:
        raise InvalidTransition("Milestones can only be marked on an active contract")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, contract=contract)
    milestone = transition(milestone, "mark_not_met", by=by, changes={}, reason=reason)
    contract_refresh_rag(contract=contract)
    return milestone


def contract_refresh_rag(*, contract: Contract, today: datetime.date | None = None) -> str:
    """Work out red/amber/green from the milestones (``contracts.rag``) and store it."""
    today = today or timezone.localdate()
    milestones = Milestone.objects.filter(contract_id=contract.pk).only("status", "due_on")
    value = rag_rules.rag_for(milestones, today=today)
    Contract.objects.filter(pk=contract.pk).update(rag=value, rag_checked_at=timezone.now())
    contract.rag = value
    return value


def milestones_flag_overdue(*, today: datetime.date | None = None) -> int:
    """Daily: tell both sides, once, about each milestone of an active contract that passed its
    due date without evidence; refresh every active contract's red/amber/green. Returns how many
    milestones were newly flagged. Each milestone is its own transaction."""
    today = today or timezone.localdate()
    due = Milestone.objects.filter(
        contract__status=Contract.Status.ACTIVE,
        status=Milestone.Status.SCHEDULED,
        due_on__lt=today,
        overdue_notified_at__isnull=True,
    ).values_list("pk", flat=True)
    flagged = sum(_flag_overdue(pk, today) for pk in list(due))
    active = Contract.objects.filter(status=Contract.Status.ACTIVE).only("pk")
    for contract in active:
        contract_refresh_rag(contract=contract, today=today)
    return flagged


@transaction.atomic
def _flag_overdue(milestone_id: int, today: datetime.date) -> int:
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("contract", "contract__challenge", "contract__phase", "contract__buyer")
        .select_related("contract__supplier", "contract__owner")
        .filter(pk=milestone_id, status=Milestone.Status.SCHEDULED, overdue_notified_at=None)
        .first()
    )
    if milestone is None or not rag_rules.is_overdue(milestone, today=today):
        return 0
    milestone.overdue_notified_at = timezone.now()
    milestone.save(update_fields=["overdue_notified_at", "updated_at"])
    contract = milestone.contract
    audit(None, "milestone.overdue", milestone, contract=contract.pk, due_on=str(milestone.due_on))
    from marketplace.core.money import format_gbp

    context = email_context(contract) | {
        "milestone": milestone.title,
        "due_on": f"{milestone.due_on.day} {milestone.due_on:%B %Y}",
        "days_late": (today - milestone.due_on).days,
        "milestone_value": format_gbp(milestone.value_pence),
    }
    queue_email("overdue", supplier_admin_emails(contract) + commissioner_emails(contract), context)
    return 1


# --- Portfolio decisions -----------------------------------------------------------------------


@transaction.atomic
def portfolio_decision_record(
    *, contract: Contract, by: User, decision: str, notes: str
) -> PortfolioDecision:
    """A commissioner records a decision to scale up, extend, continue or stop a contract.
    It is a record for the portfolio: acting on it (a change request, ending the contract) is
    a separate step."""
    if decision not in PortfolioDecision.Decision.values:
        raise ValidationFailed("Choose scale up, extend, continue or stop", field="decision")
    notes = clean_text(notes, what="the reasons for the decision", field="notes")
    contract = lock_contract(contract)
    ensure_commissioner(by, contract)
    if contract.status == Contract.Status.DRAFT:
        raise InvalidTransition("Record decisions once the supplier has accepted the contract")
    record = PortfolioDecision(contract=contract, decision=decision, notes=notes, decided_by=by)
    save(record)
    audit(by, "contract.portfolio_decision", contract, decision=decision, notes=notes)
    return record
