"""Payment providers: how an approved payment actually reaches the supplier.

``get_provider(name)`` returns the provider a payment was created for (``payment.provider``), so
changing ``PAYMENT_PROVIDER`` never changes how an existing payment is completed.
"""

from __future__ import annotations

from .base import CardDeclined, Outcome, Provider, ProviderUnavailable


def get_provider(name: str) -> Provider:
    if name == "stripe":
        from .stripe import StripeProvider

        return StripeProvider()
    from .ledger import LedgerProvider

    return LedgerProvider()


__all__ = ["CardDeclined", "Outcome", "Provider", "ProviderUnavailable", "get_provider"]
