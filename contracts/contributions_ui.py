"""What the contract pages contribute to the site: the "Contracts" navigation link for people
with a contract role, and dashboard panels for suppliers ("Your contracts") and commissioners
("Claims waiting for review")."""

from marketplace.core import registry
from marketplace.core.registry import DashboardPanel, NavItem


def _has_contract_role(request) -> bool:
    from .selectors import has_contract_role

    return has_contract_role(getattr(request, "user", None))


def _supplier_panel(request) -> dict | None:
    from .selectors import supplier_contracts_summary

    return supplier_contracts_summary(request.user)


def _commissioner_panel(request) -> dict | None:
    from .selectors import commissioner_review_summary

    return commissioner_review_summary(request.user)


def register() -> None:
    registry.register(
        NavItem(
            key="contracts",
            label="Contracts",
            url_name="contracts:list",
            order=40,
            visible=_has_contract_role,
            active_prefix="/contracts/",
        )
    )
    registry.register(
        DashboardPanel(
            key="contracts.supplier",
            template="contracts/_dashboard_supplier.html",
            context=_supplier_panel,
            order=25,
        )
    )
    registry.register(
        DashboardPanel(
            key="contracts.commissioner",
            template="contracts/_dashboard_commissioner.html",
            context=_commissioner_panel,
            order=15,
        )
    )
