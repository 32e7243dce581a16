"""Object-level permission helpers that every app uses.

Access is checked per object: a user may act on an object only through a membership of the
organisation that owns it, with a role that allows the action. Staff (platform admins) pass
checks marked ``staff_allowed``. Views call ``require(user, perm, obj)``; services may call the
predicates directly.

Predicates are ``rules`` predicates, so they compose (``is_org_admin | is_staff``) and are
registered as Django permissions (``user.has_perm("accounts.manage_organisation", org)``).
"""

from collections.abc import Iterable

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import ADMIN_ROLE_BY_KIND, ADMIN_ROLES, Membership, Organisation, Role


def owning_organisation(obj) -> Organisation | None:
    """The organisation that owns ``obj``: itself, or its ``organisation`` attribute."""
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return obj
    org = getattr(obj, "organisation", None)
    if org is None and hasattr(obj, "get_owning_organisation"):
        org = obj.get_owning_organisation()
    return org


def roles_in(user, organisation: Organisation | None) -> set[str]:
    """The roles ``user`` holds in ``organisation`` (empty for anonymous users or no org).

    Cached on the user object for the request, so repeated checks cost one query.
    """
    if organisation is None or not getattr(user, "is_authenticated", False):
        return set()
    cache = user.__dict__.setdefault("_roles_cache", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = set(
            Membership.objects.filter(user=user, organisation=organisation).values_list(
                "role", flat=True
            )
        )
    return cache[organisation.pk]


def has_role(user, organisation: Organisation | None, roles: Iterable[str]) -> bool:
    return bool(roles_in(user, organisation) & set(roles))


def role_predicate(*roles: str, name: str) -> rules.Predicate:
    """A predicate true when the user holds any of ``roles`` in the object's organisation."""

    @rules.predicate(name=name)
    def check(user, obj) -> bool:
        return has_role(user, owning_organisation(obj), roles)

    return check


is_staff = rules.is_staff
is_member = role_predicate(*Role.values, name="is_member")
is_org_admin = role_predicate(*ADMIN_ROLES, name="is_org_admin")
is_buyer = role_predicate(Role.BUYER, name="is_buyer")
is_commissioner = role_predicate(Role.COMMISSIONER, name="is_commissioner")
is_assessor = role_predicate(Role.ASSESSOR, name="is_assessor")
is_supplier_admin = role_predicate(Role.SUPPLIER_ADMIN, name="is_supplier_admin")
is_supplier_member = role_predicate(
    Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER, name="is_supplier_member"
)


def register_rules() -> None:
    """Register the ``accounts.*`` permissions; called from ``AccountsConfig.ready()``."""
    rules.set_perm("accounts.view_organisation", is_member | is_staff)
    rules.set_perm("accounts.manage_organisation", is_org_admin | is_staff)
    rules.set_perm("accounts.invite_member", is_org_admin)


def can(user, perm: str, obj=None) -> bool:
    return bool(user.has_perm(perm, obj))


def require(user, perm: str, obj=None, *, visible_to: str | None = None) -> None:
    """Raise unless ``user`` has ``perm`` on ``obj``.

    With ``visible_to`` (a permission such as ``accounts.view_organisation``), a user without
    it gets ``Http404``, exactly as for an object that does not exist, so a private URL does not
    reveal which objects exist; only a user who may see the object gets ``PermissionDenied``
    (403: they know it exists, their role is the problem). Without ``visible_to`` it is always
    ``PermissionDenied``.
    """
    if can(user, perm, obj):
        return
    if visible_to is not None and not can(user, visible_to, obj):
        raise Http404("Page not found")
    raise PermissionDenied


def can_manage_members(*, user, organisation: Organisation) -> bool:
    """True for the organisation's admin role (see ``ADMIN_ROLE_BY_KIND``)."""
    admin_role = ADMIN_ROLE_BY_KIND.get(organisation.kind)
    return admin_role is not None and has_role(user, organisation, [admin_role])
