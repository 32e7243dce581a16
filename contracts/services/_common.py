"""Helpers the contract services share: locking, saving, transitions, references, emails.

Lock order (every service that locks more than one row follows it, so two services can never
wait on each other): phase budget, then contract, then change request, then milestone or metric,
then claim.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from marketplace.accounts.models import Membership, Role, User
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.models import IdempotencyKey

from .. import access
from ..models import Contract

M = TypeVar("M", bound=models.Model)

MAX_REASON_LENGTH = 5000


def lock(obj: M) -> M:
    """The row of ``obj`` again, locked until the transaction ends (fresh from the database)."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def lock_contract(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("challenge", "phase", "buyer", "supplier", "supplier__organisation")
        .get(pk=contract.pk)
    )


def save(obj: models.Model, **kwargs) -> None:
    """Validate then save; a model ``ValidationError`` becomes the first ``ValidationFailed``."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            raise ValidationFailed(
                str(errors[0].messages[0]), field=None if field == "__all__" else field
            ) from exc
        raise ValidationFailed(exc.messages[0]) from exc
    obj.save(**kwargs)


def transition(obj: M, name: str, *, by: User | None, changes: dict, **payload) -> M:
    """Apply transition ``name`` of ``obj``'s table to the locked ``obj``: check the status it
    starts from, stamp ``changes``, save and audit with the status it came from."""
    table = obj.TRANSITIONS
    step = table.ensure(obj, name)
    previous = obj.status
    obj.status = step.target
    for field, value in changes.items():
        setattr(obj, field, value)
    save(obj)
    audit(by, table.event(name), obj, previous_status=previous, **payload)
    return obj


def clean_text(value: str | None, *, what: str, field: str, required: bool = True) -> str:
    """Trimmed text, required unless told otherwise, at most ``MAX_REASON_LENGTH`` long."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"Enter {what}", field=field)
    if len(value) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"{what[0].upper()}{what[1:]} must be {MAX_REASON_LENGTH:,} characters or fewer",
            field=field,
        )
    return value


# --- Who may act -------------------------------------------------------------------------------


def ensure_supplier_admin(user: User, contract: Contract) -> None:
    if not access.is_contract_supplier(user, contract, admin_only=True):
        raise PermissionDenied("Only an admin of the supplier on this contract can do this")


def ensure_commissioner(user: User, contract: Contract) -> None:
    if not access.is_contract_commissioner(user, contract):
        raise PermissionDenied(
            "Only a commissioner of the organisation that awarded this contract can do this"
        )


# --- References --------------------------------------------------------------------------------


def save_with_reference(obj: M, *, prefix: str) -> M:
    """Save a new ``obj`` and give it its public reference, ``<prefix>-<year>-<6 digits>``.

    The number is the row's primary key, which the database hands out once whatever the
    concurrency, so two transactions can never make the same reference (no counting of existing
    rows, no retry loop). Numbers are therefore unique across years rather than restarting each
    January, and may skip values when a transaction rolls back; neither matters for a reference.
    The row is first saved under a random placeholder so the unique column is never empty.
    Call inside the transaction that creates ``obj``.
    """
    obj.reference = f"TMP-{uuid.uuid4().hex[:16]}"
    save(obj)
    year = timezone.localdate().year
    obj.reference = f"{prefix}-{year}-{obj.pk:06d}"
    type(obj).objects.filter(pk=obj.pk).update(reference=obj.reference)
    return obj


# --- Double posts ------------------------------------------------------------------------------


def once_per_token(*, token, by: User, scope: str, model: type[M], create: Callable[[], M]) -> M:
    """Run ``create`` once per form token: a second call with the same token (a double click, a
    retried POST) returns the object the first call made instead of making another.

    The token is claimed with an ``IdempotencyKey`` row in the caller's transaction. A second
    POST waits on the unique key until the first commits, then finds the object it made. The
    key is derived from the form token and ``scope`` so it never collides with a view that also
    claims the same form token through ``marketplace.core.idempotency``. ``result_url`` holds
    ``"<app.model>:<pk>"`` for keys claimed here.
    """
    if token is None or by is None or not getattr(by, "is_authenticated", False):
        return create()
    try:
        key = uuid.uuid5(uuid.UUID(str(token)[:36]), scope)
    except ValueError:
        return create()
    label = model._meta.label_lower
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(key=key, user=by, scope=scope)
    except IntegrityError:
        earlier = IdempotencyKey.objects.filter(key=key).first()
        if earlier is not None and earlier.user_id == by.pk and earlier.scope == scope:
            kind, _, pk = earlier.result_url.partition(":")
            found = model.objects.filter(pk=pk).first() if kind == label and pk.isdigit() else None
            if found is not None:
                return found
        return create()
    obj = create()
    claim.result_url = f"{label}:{obj.pk}"
    claim.save(update_fields=["result_url"])
    return obj


# --- Emails ------------------------------------------------------------------------------------

EMAILS = "contracts/email/"


def supplier_admin_emails(contract: Contract) -> list[str]:
    return _emails(contract.supplier.organisation_id, (Role.SUPPLIER_ADMIN,))


def commissioner_emails(contract: Contract) -> list[str]:
    """The buyer's commissioners, and the contract owner whatever their role."""
    emails = set(_emails(contract.buyer_id, (Role.COMMISSIONER,)))
    if contract.owner_id and contract.owner.is_active:
        emails.add(contract.owner.email)
    return sorted(emails)


def _emails(organisation_id: int, roles: Iterable[str]) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=organisation_id, role__in=list(roles), user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def queue_email(name: str, to: list[str], context: dict) -> None:
    """Send ``contracts/email/<name>`` after commit, so nobody hears of a change rolled back.
    ``context`` must be JSON-serialisable (it goes through Celery)."""
    if not to:
        return
    from marketplace.notifications.tasks import send_email_task

    template, to = EMAILS + name, list(to)
    transaction.on_commit(lambda: send_email_task.delay(template, to, context))


def contract_link(contract: Contract) -> str:
    """The contract's page, for emails. Built by path so emails do not depend on URL names."""
    from marketplace.notifications.services import absolute_url

    return absolute_url(f"/contracts/{contract.reference}/")


def email_context(contract: Contract) -> dict:
    from marketplace.core.money import format_gbp

    return {
        "reference": contract.reference,
        "title": contract.title,
        "challenge": contract.challenge.title,
        "phase": str(contract.phase),
        "buyer": contract.buyer.name,
        "supplier": contract.supplier.display_name,
        "value": format_gbp(contract.value_pence),
        "link": contract_link(contract),
    }
