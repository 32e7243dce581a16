"""What the commissioner portfolio part of the contracts app contributes to the site: the
"Commissioning" navigation link for commissioners, the public contracts API and the demo
contracts for ``seed_demo``. ``contracts.registry`` calls ``register()``."""

from marketplace.core import registry
from marketplace.core.registry import ApiRouter, DemoSeeder, NavItem


def _is_commissioner(request) -> bool:
    """Whether the signed-in user commissions for any organisation: asked once per request."""
    if request is None:
        return False
    cached = getattr(request, "_contracts_is_commissioner", None)
    if cached is None:
        from .selectors_portfolio import commissioner_organisation_ids

        cached = bool(commissioner_organisation_ids(getattr(request, "user", None)))
        request._contracts_is_commissioner = cached
    return cached


def _seed_demo(stdout) -> None:
    from .demo import seed

    seed(stdout)


def _demo_accounts() -> list[tuple[str, str, str, str]]:
    from .demo import accounts_table

    return accounts_table()


def register() -> None:
    from .api import router

    registry.register(
        NavItem(
            key="contracts.portfolio",
            label="Commissioning",
            url_name="contracts:portfolio",
            order=45,
            visible=_is_commissioner,
            active_prefix="/commissioning/",
        )
    )
    registry.register(ApiRouter(key="contracts", prefix="/contracts", router=router, order=30))
    registry.register(
        DemoSeeder(key="contracts", run=_seed_demo, order=70, accounts=_demo_accounts)
    )
