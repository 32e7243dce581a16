"""Declared domain events the contracts app listens to (see ``challenges.signals``)."""

from __future__ import annotations

from django.db import transaction


def queue_contracts_for_phase(sender, *, phase, by=None, **kwargs) -> None:
    """A phase's funding decisions are final: make its contracts in a Celery task.

    ``phase_decided`` is sent after commit; ``on_commit`` here also covers a sender that sends it
    inside a transaction (then the task waits for that commit)."""
    from .tasks import create_contracts_for_phase_task

    phase_id, by_id = phase.pk, getattr(by, "pk", None)
    transaction.on_commit(lambda: create_contracts_for_phase_task.delay(phase_id, by_id))


def connect() -> None:
    from challenges.signals import phase_decided

    phase_decided.connect(
        queue_contracts_for_phase, dispatch_uid="contracts.create_contracts_for_phase"
    )
