"""Declared domain events the challenges app sends, for later apps to act on.

Sent after the transaction commits, so a receiver always sees the committed state. Receivers
should queue a Celery task rather than do work inline.
"""

from django.dispatch import Signal

# A phase's funding decisions are final (``challenge_decide``). Sent with ``phase`` (Phase) and
# ``by`` (the User who decided). The contracts app makes a contract for each funded application.
phase_decided = Signal()

# A challenge opened for applications for the first time (``challenge_open``, phase 1). Sent
# with ``challenge_id`` (int). The search app emails the search alerts that find it.
challenge_opened = Signal()
