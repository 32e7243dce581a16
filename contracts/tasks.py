"""Celery tasks for the contract lifecycle. They take ids, re-fetch, call one service and are
safe to run again (every service they call does nothing the second time). No rules here."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)

# Storage, SMTP and database hiccups are retried with backoff; anything else is a bug to see.
RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": (OSError, OperationalError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY_POLICY)
def generate_contract_documents_task(
    contract_id: int, reason: str = "", notify: str = "", replace: bool = False
) -> int:
    """Make the contract's missing PDFs (or re-make the current one when ``replace``), then
    send the email ``notify`` names, if any. Returns how many documents were made."""
    from .services.contracts import contract_documents_generate, contract_notify

    made = contract_documents_generate(contract_id=contract_id, reason=reason, replace=replace)
    if notify:
        contract_notify(contract_id=contract_id, event=notify)
    return len(made)


@shared_task(**RETRY_POLICY)
def create_contracts_for_phase_task(phase_id: int, by_id: int | None = None) -> int:
    """Make a contract for each funded application of a decided phase (existing ones kept)."""
    from challenges.models import Phase
    from marketplace.accounts.models import User

    from .services.contracts import contracts_create_for_phase

    phase = Phase.objects.filter(pk=phase_id).first()
    if phase is None:
        return 0
    by = User.objects.filter(pk=by_id).first() if by_id else None
    return len(contracts_create_for_phase(phase=phase, by=by))


@shared_task(**RETRY_POLICY)
def flag_overdue_milestones() -> int:
    """Daily (beat): tell both sides about newly overdue milestones and refresh red/amber/green
    of every active contract. Returns how many milestones were newly flagged."""
    from .services.contracts import milestones_flag_overdue

    flagged = milestones_flag_overdue()
    logger.info("Flagged %s overdue milestones", flagged)
    return flagged
