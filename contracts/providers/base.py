"""What every payment provider does, and the two kinds of failure the payment service tells apart.

- ``ProviderUnavailable``: the provider could not be reached or answered with a temporary error
  (connection, timeout, 5xx, rate limit). The payment stays pending and is tried again later.
- ``CardDeclined``: the provider refused the payment for good (a declined card, no saved
  payment method). The payment fails with the reason, and a person fixes the cause.
"""

from __future__ import annotations

from dataclasses import dataclass


class ProviderUnavailable(Exception):
    """A temporary failure: try again later with the same idempotency key."""


class CardDeclined(Exception):
    """A permanent refusal: the payment fails with this message as the reason."""


@dataclass(frozen=True)
class Outcome:
    """What the provider said about a payment.

    ``status`` is one of "submitted" (sent, result to come), "paid", "failed" or "" (no change).
    """

    status: str
    provider_payment_id: str = ""
    reason: str = ""


class Provider:
    name = ""

    def execute(self, payment) -> Outcome:
        """Send ``payment``; must be safe to call again for the same payment."""
        raise NotImplementedError

    def check(self, payment) -> Outcome:
        """Ask the provider where ``payment`` stands (for reconciliation)."""
        return Outcome(status="")

    def transfer(self, payment) -> str:
        """Pay the supplier's share once the buyer has paid; returns the transfer id or ""."""
        return ""
