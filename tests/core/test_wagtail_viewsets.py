"""Read-only CMS screens (``marketplace.core.wagtail_viewsets``): staff can list and inspect
challenges and contracts; nobody, not even a superuser, gets add, edit, copy or
delete screens or permissions. tests/contracts/test_admin.py covers the payment actions."""

import pytest
from django.urls import NoReverseMatch, reverse

from challenges.models import Challenge
from challenges.wagtail_hooks import ChallengeViewSet
from contracts.models import Claim, Contract, Payment
from contracts.wagtail_hooks import ClaimViewSet, ContractViewSet, PaymentViewSet
from marketplace.core.wagtail_viewsets import ReadOnlyStaffPolicy, ReadOnlyViewSet
from tests.factories.accounts import UserFactory
from tests.factories.challenges import open_challenge
from tests.factories.contracts import contract_with_plan

pytestmark = pytest.mark.django_db

VIEWSETS = (ChallengeViewSet, ContractViewSet, ClaimViewSet, PaymentViewSet)


@pytest.fixture
def staff(client, mfa_login, staff_user):
    mfa_login(client, staff_user)
    return staff_user


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_every_domain_viewset_is_read_only(viewset):
    assert issubclass(viewset, ReadOnlyViewSet)
    assert isinstance(viewset().permission_policy, ReadOnlyStaffPolicy)
    assert viewset().permission_policy.model is viewset.model


@pytest.mark.parametrize("model", [Challenge, Contract, Claim, Payment])
def test_staff_may_only_view(model, staff_user):
    policy = ReadOnlyStaffPolicy(model)
    assert policy.user_has_permission(staff_user, "view")
    for action in ("add", "change", "delete"):
        assert not policy.user_has_permission(staff_user, action)


def test_non_staff_and_inactive_staff_may_not_view():
    policy = ReadOnlyStaffPolicy(Challenge)
    assert not policy.user_has_permission(UserFactory(), "view")
    assert not policy.user_has_permission(UserFactory(is_staff=True, is_active=False), "view")


def test_users_with_permission_are_active_staff_and_only_for_view(staff_user):
    UserFactory()
    UserFactory(is_staff=True, is_active=False)
    policy = ReadOnlyStaffPolicy(Contract)
    assert list(policy.users_with_any_permission(["view"])) == [staff_user]
    assert list(policy.users_with_any_permission(["change", "delete"])) == []


@pytest.mark.parametrize(
    "name", ["challenge_admin", "contract_admin", "claim_admin", "payment_admin"]
)
@pytest.mark.parametrize("screen", ["add", "edit", "delete", "copy", "usage", "history"])
def test_no_writing_or_history_screens_are_routed(name, screen):
    with pytest.raises(NoReverseMatch):
        reverse(f"{name}:{screen}", args=[] if screen == "add" else [1])


def test_staff_list_and_inspect_a_challenge(client, staff):
    challenge = open_challenge(title="Cleaner school buses")
    listing = client.get(reverse("challenge_admin:index"))
    assert listing.status_code == 200
    assert "Cleaner school buses" in listing.content.decode()
    assert reverse("challenge_admin:inspect", args=[challenge.pk]) in listing.content.decode()
    inspect = client.get(reverse("challenge_admin:inspect", args=[challenge.pk]))
    assert inspect.status_code == 200
    assert challenge.slug in inspect.content.decode()


def test_the_challenge_list_offers_no_add_button(client, staff):
    page = client.get(reverse("challenge_admin:index")).content.decode()
    assert "/admin/challenges/all/add/" not in page
    assert "Add challenge" not in page


def test_staff_inspect_a_contract(client, staff):
    contract = contract_with_plan()
    response = client.get(reverse("contract_admin:inspect", args=[contract.pk]))
    assert response.status_code == 200
    assert contract.reference in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client):
    challenge = open_challenge()
    response = client.get(reverse("challenge_admin:inspect", args=[challenge.pk]))
    assert response.status_code == 302
