"""The suppliers.* permissions: who may view, edit, submit and review a profile."""

import pytest
import rules

from marketplace.accounts.models import Role
from tests.conftest import mfa_login
from tests.factories import MembershipFactory, UserFactory
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db

PERMS = ("view_profile", "edit_profile", "submit_profile", "review_profile")


@pytest.fixture
def profile(supplier_org):
    return SupplierProfileFactory(organisation=supplier_org, slug=supplier_org.slug)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("supplier_admin", {"view_profile", "edit_profile", "submit_profile"}),
        ("supplier_member", {"view_profile"}),
        ("competitor_admin", set()),
        ("buyer", set()),
        ("plain_user", set()),
        ("staff_user", {"view_profile", "review_profile"}),
    ],
)
def test_permissions_by_role(profile, supplier_org, who, allowed, request):
    if who == "supplier_member":
        user = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_MEMBER).user
    elif who == "plain_user":
        user = UserFactory()
    else:
        user = request.getfixturevalue(who)
    # The rules themselves, as the onboarding views check them (no superuser bypass).
    granted = {perm for perm in PERMS if rules.has_perm(f"suppliers.{perm}", user, profile)}
    assert granted == allowed


def test_anonymous_has_no_supplier_permissions(profile):
    from django.contrib.auth.models import AnonymousUser

    assert not any(rules.has_perm(f"suppliers.{p}", AnonymousUser(), profile) for p in PERMS)


def test_platform_admin_cannot_edit_a_suppliers_answers(client, staff_user, profile):
    from django.urls import reverse

    mfa_login(client, staff_user)
    assert client.get(reverse("suppliers:join_tasks", args=[profile.slug])).status_code == 200
    step = reverse("suppliers:join_step", args=[profile.slug, "contact"])
    assert client.get(step).status_code == 403
    assert client.post(reverse("suppliers:join_check", args=[profile.slug])).status_code == 403
