"""Permission helpers: roles are per organisation, and staff pass only where allowed."""

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.accounts import permissions as p
from marketplace.accounts.models import Invitation, Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_member_of_one_org_has_no_rights_in_another(buyer, buyer_org, other_buyer_org):
    assert p.can(buyer, "accounts.view_organisation", buyer_org)
    assert p.can(buyer, "accounts.manage_organisation", buyer_org)
    assert not p.can(buyer, "accounts.view_organisation", other_buyer_org)
    assert not p.can(buyer, "accounts.manage_organisation", other_buyer_org)
    assert not p.can(buyer, "accounts.invite_member", other_buyer_org)
    with pytest.raises(PermissionDenied):
        p.require(buyer, "accounts.manage_organisation", other_buyer_org)
    p.require(buyer, "accounts.manage_organisation", buyer_org)


def test_competing_suppliers_are_isolated(supplier_admin, supplier_org, competitor_org):
    assert p.is_supplier_admin(supplier_admin, supplier_org)
    assert not p.is_supplier_admin(supplier_admin, competitor_org)
    assert not p.is_member(supplier_admin, competitor_org)


@pytest.mark.parametrize(
    ("role", "admin"),
    [
        (Role.BUYER, True),
        (Role.COMMISSIONER, False),
        (Role.ASSESSOR, False),
        (Role.SUPPLIER_ADMIN, True),
        (Role.SUPPLIER_MEMBER, False),
    ],
)
def test_only_admin_roles_are_org_admins(role, admin):
    membership = MembershipFactory(role=role)
    user, org = membership.user, membership.organisation
    assert p.is_member(user, org)
    assert bool(p.is_org_admin(user, org)) is admin
    assert p.can(user, "accounts.manage_organisation", org) is admin
    assert p.can(user, "accounts.view_organisation", org)


def test_supplier_member_is_a_supplier_member_but_not_admin(supplier_org):
    member = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_MEMBER).user
    assert p.is_supplier_member(member, supplier_org)
    assert not p.is_supplier_admin(member, supplier_org)
    assert not p.is_org_admin(member, supplier_org)


def test_staff_pass_manage_but_not_invite(buyer_org):
    staff = UserFactory(is_staff=True)
    assert p.can(staff, "accounts.manage_organisation", buyer_org)
    assert p.can(staff, "accounts.view_organisation", buyer_org)
    assert not p.can(staff, "accounts.invite_member", buyer_org)


def test_superusers_pass_every_check(staff_user, buyer_org):
    assert p.can(staff_user, "accounts.invite_member", buyer_org)


def test_anonymous_has_nothing(buyer_org):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert p.roles_in(anon, buyer_org) == set()
    assert not p.can(anon, "accounts.view_organisation", buyer_org)
    with pytest.raises(PermissionDenied):
        p.require(anon, "accounts.view_organisation", buyer_org)


def test_permissions_follow_the_owning_organisation(buyer, buyer_org, other_buyer_org):
    own = InvitationFactory(organisation=buyer_org)
    other = InvitationFactory(organisation=other_buyer_org)
    assert p.owning_organisation(own) == buyer_org
    assert p.owning_organisation(buyer_org) == buyer_org
    assert p.owning_organisation(None) is None
    assert p.can(buyer, "accounts.manage_organisation", own)
    assert not p.can(buyer, "accounts.manage_organisation", other)
    assert isinstance(own, Invitation)


def test_owning_organisation_via_method(buyer_org):
    class Thing:
        organisation = None

        def get_owning_organisation(self):
            return buyer_org

    assert p.owning_organisation(Thing()) == buyer_org


def test_roles_are_cached_per_request(buyer, buyer_org, django_assert_num_queries):
    fresh = type(buyer).objects.get(pk=buyer.pk)
    with django_assert_num_queries(1):
        for _ in range(3):
            p.has_role(fresh, buyer_org, [Role.BUYER])


def test_no_organisation_means_no_roles():
    assert p.roles_in(UserFactory(), None) == set()
