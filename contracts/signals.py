"""Declared domain events the contracts app sends, for later apps (feedback) to act on.

Sent after the transaction commits (``transaction.on_commit(..., robust=True)``), so receivers
see committed state; receivers should queue a Celery task rather than do work inline.
"""

from django.dispatch import Signal

# A milestone was met or partly met (its claim approved). Sent with ``milestone`` and ``by``.
milestone_met = Signal()
# A contract completed or ended early. Sent with ``contract`` and ``by``.
contract_ended = Signal()
