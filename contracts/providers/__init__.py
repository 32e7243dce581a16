"""Payment providers: how an approved payment actually reaches the supplier.

``get_provider(name)`` returns the provider a payment was created for (``payment.provider``), so
changing ``PAYMENT_PROVIDER`` never changes how an existing payment is completed.
"""

from __future__ import annotations

from django.conf import settings

from .base import CardDeclined, Outcome, Provider, ProviderUnavailable


def configured_name() -> str:
    """The provider new payments go through: ``PAYMENT_PROVIDER`` when it names one, else the
    ledger."""
    from ..models import Payment

    name = getattr(settings, "PAYMENT_PROVIDER", "ledger") or "ledger"
    return name if name in Payment.Provider.values else Payment.Provider.LEDGER


def uses_stripe() -> bool:
    """Whether new payments go through Stripe (billing and payouts then need setting up)."""
    return configured_name() == "stripe"


def get_provider(name: str) -> Provider:
    if name == "stripe":
        from .stripe import StripeProvider

        return StripeProvider()
    from .ledger import LedgerProvider

    return LedgerProvider()


__all__ = [
    "CardDeclined",
    "Outcome",
    "Provider",
    "ProviderUnavailable",
    "configured_name",
    "get_provider",
    "uses_stripe",
]
