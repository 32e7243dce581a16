"""Private URLs answer the same for "exists but not yours" as for "does not exist".

A 403 for another organisation's profile and a 404 for a made-up slug would let anyone list
which unapproved suppliers exist by trying names.
"""

import pytest
from django.urls import reverse

from marketplace.accounts.models import Role
from suppliers.models import SupplierProfile
from tests.factories import MembershipFactory
from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db
MISSING = "no-such-supplier"


def _private_urls(slug, cert_pk=1):
    return [
        ("get", reverse("suppliers:join_tasks", args=[slug])),
        ("get", reverse("suppliers:join_status", args=[slug])),
        ("get", reverse("suppliers:join_check", args=[slug])),
        ("post", reverse("suppliers:join_check", args=[slug])),
        ("get", reverse("suppliers:join_submitted", args=[slug])),
        ("get", reverse("suppliers:join_step", args=[slug, "name"])),
        ("post", reverse("suppliers:join_step", args=[slug, "contact"])),
        ("get", reverse("suppliers:join_evidence", args=[slug, "certifications"])),
        ("get", reverse("suppliers:join_evidence_add", args=[slug, "certifications"])),
        (
            "post",
            reverse("suppliers:join_evidence_remove", args=[slug, "certifications", cert_pk]),
        ),
        ("get", reverse("accounts:team", args=[slug])),
        ("get", reverse("accounts:invite", args=[slug])),
        ("post", reverse("accounts:invite", args=[slug])),
    ]


@pytest.fixture
def draft(supplier_org):
    return SupplierProfileFactory(organisation=supplier_org, slug=supplier_org.slug)


def _statuses(client, slug, cert_pk):
    return [
        getattr(client, method)(url, {"contact_name": "X", "email": "x@example.org"}).status_code
        for method, url in _private_urls(slug, cert_pk)
    ]


@pytest.mark.parametrize("status", [SupplierProfile.Status.DRAFT, SupplierProfile.Status.SUBMITTED])
def test_another_organisations_user_gets_the_same_404_as_for_a_missing_slug(
    client, draft, competitor_admin, status
):
    SupplierProfile.objects.filter(pk=draft.pk).update(status=status)
    cert = CertificationFactory(profile=draft)
    client.force_login(competitor_admin)
    existing = _statuses(client, draft.slug, cert.pk)
    missing = _statuses(client, MISSING, cert.pk)
    assert existing == missing
    assert set(existing) == {404}
    assert draft.certifications.exists()


def test_anonymous_gets_the_same_answer_for_existing_and_missing(client, draft):
    cert = CertificationFactory(profile=draft)
    existing = _statuses(client, draft.slug, cert.pk)
    missing = _statuses(client, MISSING, cert.pk)
    assert existing == missing
    assert set(existing) == {302}  # to sign in, which reveals nothing


def test_unapproved_public_profile_is_404_like_a_missing_one(client, draft, competitor_admin):
    for who in (None, competitor_admin):
        if who:
            client.force_login(who)
        assert client.get(reverse("suppliers:detail", args=[draft.slug])).status_code == 404
        assert client.get(reverse("suppliers:detail", args=[MISSING])).status_code == 404


def test_own_member_with_the_wrong_role_still_gets_403(client, draft, supplier_org):
    member = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_MEMBER).user
    client.force_login(member)
    assert client.get(reverse("suppliers:join_step", args=[draft.slug, "name"])).status_code == 403
    assert client.post(reverse("suppliers:join_check", args=[draft.slug])).status_code == 403
    assert client.get(reverse("accounts:team", args=[draft.slug])).status_code == 403
    assert client.get(reverse("suppliers:join_tasks", args=[draft.slug])).status_code == 200
