"""Who may see and act on a contract: reads that services, selectors, views and the API share.

- The supplier side: supplier admins (accept, claim, propose changes) and supplier members (see).
- The buyer side: buyers and commissioners of the contract's buying organisation see it; only
  commissioners review claims, decide change requests and record portfolio decisions.
Anyone else (another buyer organisation, a competing supplier, the public) is refused; views
answer 404 so a contract's existence is not given away.
"""

from __future__ import annotations

from marketplace.accounts.models import Membership, Role
from marketplace.accounts.permissions import has_role

SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)
BUYER_ROLES = (Role.BUYER, Role.COMMISSIONER)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_contract_supplier(user, contract, *, admin_only: bool = False) -> bool:
    roles = (Role.SUPPLIER_ADMIN,) if admin_only else SUPPLIER_ROLES
    return _authenticated(user) and has_role(user, contract.supplier.organisation, roles)


def is_contract_buyer(user, contract) -> bool:
    """A buyer or commissioner of the buying organisation (may see the contract)."""
    return _authenticated(user) and has_role(user, contract.buyer, BUYER_ROLES)


def is_contract_commissioner(user, contract) -> bool:
    """A commissioner of the buying organisation (may review claims and decide changes)."""
    return _authenticated(user) and has_role(user, contract.buyer, (Role.COMMISSIONER,))


def can_view_contract(user, contract) -> bool:
    return is_contract_supplier(user, contract) or is_contract_buyer(user, contract)


def organisation_ids(user, roles) -> set[int]:
    """Organisations where ``user`` holds any of ``roles`` (for scoping list queries)."""
    if not _authenticated(user):
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=roles).values_list(
            "organisation_id", flat=True
        )
    )
