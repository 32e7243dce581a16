"""Change requests: the supplier proposes more time, a change of scope, moving money between
milestones or ending early; a commissioner approves or refuses; the supplier may withdraw.

Every approval gives the contract a new version and, after commit, a new contract PDF. Each
kind is checked when proposed and again when approved (the contract may have moved since).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.errors import InvalidTransition, ValidationFailed
from marketplace.core.money import format_gbp

from ..models import ChangeRequest, Contract, Milestone
from ._common import (
    clean_text,
    commissioner_emails,
    email_context,
    ensure_commissioner,
    ensure_supplier_admin,
    lock_contract,
    once_per_token,
    queue_email,
    save,
    supplier_admin_emails,
    transition,
)
from .contracts import _queue_documents, contract_refresh_rag, terminate_locked

Kind = ChangeRequest.Kind
TRANSITIONS = ChangeRequest.TRANSITIONS
MAX_SCOPE_LENGTH = 20_000


def _ensure_active(contract: Contract) -> None:
    if contract.status != Contract.Status.ACTIVE:
        raise InvalidTransition(
            "Changes can only be made to an active contract. This contract is "
            f"{contract.get_status_display().lower()}."
        )


def _check_extension(contract: Contract, new_ends_on) -> datetime.date:
    if not isinstance(new_ends_on, datetime.date):
        raise ValidationFailed("Enter the new end date", field="new_ends_on")
    if new_ends_on <= contract.ends_on:
        ends = f"{contract.ends_on.day} {contract.ends_on:%B %Y}"
        raise ValidationFailed(
            f"The new end date must be after the current end date, {ends}", field="new_ends_on"
        )
    if new_ends_on <= timezone.localdate():
        raise ValidationFailed("The new end date must be in the future", field="new_ends_on")
    return new_ends_on


def _pence(value) -> int:
    # Whole pence only: the form turns pounds into pence with the one money parser first.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("Enter each new milestone value in pence", field="reallocation")
    if value < 0:
        raise ValidationFailed("A milestone's value cannot be negative", field="reallocation")
    return value


def _check_reallocation(contract: Contract, reallocation, *, lock: bool) -> list[dict]:
    """New values for milestones not yet claimed, keeping their total the same.

    ``reallocation`` is ``[{"milestone": id, "value_pence": new value}, ...]``. Only scheduled
    milestones can change (a claimed one is being or has been paid for), no new value may be
    below what is already committed against that milestone, and the listed milestones must
    add up to what they added up to before, so the contract value does not change.
    """
    if not isinstance(reallocation, list | tuple) or not reallocation:
        raise ValidationFailed("Give the new value of each milestone", field="reallocation")
    wanted: dict[int, int] = {}
    for row in reallocation:
        if not isinstance(row, dict):
            raise ValidationFailed("Give the new value of each milestone", field="reallocation")
        milestone_id, value = row.get("milestone"), _pence(row.get("value_pence"))
        if isinstance(milestone_id, bool) or not isinstance(milestone_id, int):
            raise ValidationFailed("Choose the milestones to change", field="reallocation")
        if milestone_id in wanted:
            raise ValidationFailed("List each milestone once", field="reallocation")
        wanted[milestone_id] = value
    if len(wanted) < 2:
        raise ValidationFailed(
            "Choose at least 2 milestones: money moves from one to another", field="reallocation"
        )
    qs = Milestone.objects.filter(contract=contract, pk__in=wanted).order_by("pk")
    milestones = list(qs.select_for_update() if lock else qs)
    if len(milestones) != len(wanted):
        raise ValidationFailed("Choose milestones of this contract", field="reallocation")
    for milestone in milestones:
        if milestone.status != Milestone.Status.SCHEDULED:
            raise ValidationFailed(
                f"“{milestone.title}” has been claimed, so its value cannot change",
                field="reallocation",
            )
        if wanted[milestone.pk] < max(milestone.committed_pence, 0):
            raise ValidationFailed(
                f"“{milestone.title}” cannot be less than the "
                f"{format_gbp(milestone.committed_pence)} already approved",
                field="reallocation",
            )
    before = sum(m.value_pence for m in milestones)
    after = sum(wanted.values())
    if before != after:
        raise ValidationFailed(
            f"The new values add up to {format_gbp(after)}. They must add up to "
            f"{format_gbp(before)}, the total of those milestones now",
            field="reallocation",
        )
    if all(wanted[m.pk] == m.value_pence for m in milestones):
        raise ValidationFailed("Change at least one milestone's value", field="reallocation")
    return [{"milestone": m.pk, "value_pence": wanted[m.pk]} for m in milestones]


def _check(contract: Contract, kind: str, fields: dict, *, lock: bool = False) -> dict:
    """The kind-specific fields, cleaned; raises ``ValidationFailed`` when they do not fit."""
    if kind == Kind.EXTENSION:
        return {"new_ends_on": _check_extension(contract, fields.get("new_ends_on"))}
    if kind == Kind.SCOPE:
        scope = (fields.get("scope_text") or "").strip()
        if not scope:
            raise ValidationFailed(
                "Describe the work as it would be after the change", field="scope_text"
            )
        if len(scope) > MAX_SCOPE_LENGTH:
            raise ValidationFailed(
                f"The new scope must be {MAX_SCOPE_LENGTH:,} characters or fewer",
                field="scope_text",
            )
        return {"scope_text": scope}
    if kind == Kind.REALLOCATION:
        return {
            "reallocation": _check_reallocation(contract, fields.get("reallocation"), lock=lock)
        }
    return {}


def _context(change_request: ChangeRequest) -> dict:
    return email_context(change_request.contract) | {
        "kind": change_request.get_kind_display(),
        "status": change_request.get_status_display(),
        "decision_reason": change_request.decision_reason,
        "change_request": change_request.pk,
    }


@transaction.atomic
def change_request_propose(
    *,
    contract: Contract,
    by: User,
    kind: str,
    reason: str,
    new_ends_on: datetime.date | None = None,
    scope_text: str = "",
    reallocation: list | None = None,
    form_token=None,
) -> ChangeRequest:
    """A supplier admin asks for a change to an active contract. One open request of each kind
    at a time. The same form posted twice (same ``form_token``) makes one request."""
    if kind not in Kind.values:
        raise ValidationFailed("Choose the kind of change", field="kind")
    reason = clean_text(reason, what="why the change is needed", field="reason")
    contract = lock_contract(contract)
    ensure_supplier_admin(by, contract)
    _ensure_active(contract)
    fields = _check(
        contract,
        kind,
        {"new_ends_on": new_ends_on, "scope_text": scope_text, "reallocation": reallocation},
    )

    def create() -> ChangeRequest:
        if ChangeRequest.objects.filter(
            contract=contract, kind=kind, status=ChangeRequest.Status.PROPOSED
        ).exists():
            raise ValidationFailed(
                "There is already a request of this kind waiting for a decision. Withdraw it "
                "or wait for the decision before you ask again",
                field="kind",
            )
        change_request = ChangeRequest(
            contract=contract, kind=kind, reason=reason, proposed_by=by, **fields
        )
        try:
            with transaction.atomic():
                save(change_request)
        except IntegrityError as exc:  # the partial unique index: one open request per kind
            raise ValidationFailed(
                "There is already a request of this kind waiting for a decision", field="kind"
            ) from exc
        from marketplace.core.audit import audit

        audit(by, "change_request.proposed", change_request, contract=contract.pk, kind=kind)
        queue_email("change_proposed", commissioner_emails(contract), _context(change_request))
        return change_request

    return once_per_token(
        token=form_token,
        by=by,
        scope=f"contracts.change_request:{contract.pk}",
        model=ChangeRequest,
        create=create,
    )


def _lock_request(change_request: ChangeRequest) -> tuple[Contract, ChangeRequest]:
    contract = lock_contract(Contract(pk=change_request.contract_id))
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    change_request.contract = contract
    return contract, change_request


def _apply(contract: Contract, change_request: ChangeRequest, fields: dict, by: User) -> None:
    kind = change_request.kind
    if kind == Kind.EXTENSION:
        contract.ends_on = fields["new_ends_on"]
    elif kind == Kind.SCOPE:
        contract.special_terms = fields["scope_text"]
    elif kind == Kind.REALLOCATION:
        for row in fields["reallocation"]:
            Milestone.objects.filter(pk=row["milestone"], contract=contract).update(
                value_pence=row["value_pence"], updated_at=timezone.now()
            )
    contract.version += 1
    if kind == Kind.TERMINATION:
        terminate_locked(
            contract,
            by=by,
            reason=change_request.reason,
            change_request=change_request.pk,
        )
    else:
        save(contract)


@transaction.atomic
def change_request_approve(
    *, change_request: ChangeRequest, by: User, reason: str = ""
) -> ChangeRequest:
    """A commissioner approves: the change is applied, the contract gets a new version and a new
    contract PDF is made after commit. Checked again against the contract as it is now."""
    reason = clean_text(reason, what="the reasons", field="reason", required=False)
    contract, change_request = _lock_request(change_request)
    ensure_commissioner(by, contract)
    TRANSITIONS.ensure(change_request, "approve")
    _ensure_active(contract)
    fields = _check(
        contract,
        change_request.kind,
        {
            "new_ends_on": change_request.new_ends_on,
            "scope_text": change_request.scope_text,
            "reallocation": change_request.reallocation,
        },
        lock=True,
    )
    _apply(contract, change_request, fields, by)
    change_request = transition(
        change_request,
        "approve",
        by=by,
        changes={
            "decided_at": timezone.now(),
            "decided_by": by,
            "decision_reason": reason,
            "resulting_version": contract.version,
        },
        contract=contract.pk,
        kind=change_request.kind,
        version=contract.version,
    )
    contract_refresh_rag(contract=contract)
    _queue_documents(
        contract,
        reason=f"{change_request.get_kind_display()} approved (change {change_request.pk})",
    )
    queue_email("change_decided", supplier_admin_emails(contract), _context(change_request))
    return change_request


@transaction.atomic
def change_request_refuse(*, change_request: ChangeRequest, by: User, reason: str) -> ChangeRequest:
    """A commissioner refuses, saying why; the contract is unchanged."""
    reason = clean_text(reason, what="why the change is refused", field="reason")
    contract, change_request = _lock_request(change_request)
    ensure_commissioner(by, contract)
    change_request = transition(
        change_request,
        "refuse",
        by=by,
        changes={"decided_at": timezone.now(), "decided_by": by, "decision_reason": reason},
        contract=contract.pk,
        reason=reason,
    )
    queue_email("change_decided", supplier_admin_emails(contract), _context(change_request))
    return change_request


@transaction.atomic
def change_request_withdraw(*, change_request: ChangeRequest, by: User) -> ChangeRequest:
    """A supplier admin takes back a request that has not been decided."""
    contract, change_request = _lock_request(change_request)
    ensure_supplier_admin(by, contract)
    return transition(change_request, "withdraw", by=by, changes={}, contract=contract.pk)
