"""Forms for the payment pages: a confirmation button each (the card and bank details are
entered on Stripe's own pages, never on ours)."""

from marketplace.core.forms import GovUKForm


class BillingStartForm(GovUKForm):
    """Send the commissioner to Stripe Checkout to save a card for the organisation."""


class PayoutsStartForm(GovUKForm):
    """Send the supplier admin to Stripe's onboarding for their connected account."""
