"""Work waiting for platform staff, gathered from every app's ``StaffQueue`` contribution.

Shown on the staff dashboard and on the Wagtail CMS home page ("Waiting for review").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .registry import StaffQueue, contributions


@dataclass(frozen=True)
class QueueRow:
    label: str
    count: int
    oldest: datetime | None
    url: str

    @property
    def days_waiting(self) -> int | None:
        if self.oldest is None:
            return None
        return (timezone.now() - self.oldest).days


def waiting_for_review() -> list[QueueRow]:
    """One row per registered queue, the queue whose oldest item has waited longest first;
    empty queues last."""
    rows = []
    for queue in contributions(StaffQueue):
        count, oldest = queue.summary()
        rows.append(QueueRow(queue.label, count, oldest if count else None, queue.url()))
    far_future = timezone.now() + timezone.timedelta(days=36500)
    return sorted(rows, key=lambda row: row.oldest or far_future)
