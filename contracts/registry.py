"""What the contracts app contributes to the site (see ``marketplace.core.registry``).

Each part of the app registers its own contributions from its own module, so the parts can grow
without touching one another: the contract lifecycle (``contributions_lifecycle``), claims and
payments (``contributions_payments``), the pages (``contributions_ui``) and the commissioner
portfolio, API, admin and demo data (``contributions_portfolio``).
"""


def register_contributions() -> None:
    from . import (
        contributions_lifecycle,
        contributions_payments,
        contributions_portfolio,
        contributions_ui,
        receivers,
    )

    receivers.connect()
    contributions_lifecycle.register()
    contributions_payments.register()
    contributions_ui.register()
    contributions_portfolio.register()
