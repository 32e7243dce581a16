"""Team pages and invitation links: admins manage, everyone else is refused per object."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import Invitation, Membership, Role
from tests.conftest import mfa_login
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

JUNK = "x" * 10_000


@pytest.fixture
def assessor(buyer_org):
    return MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR).user


def _team(org):
    return reverse("accounts:team", args=[org.slug])


def _invite(org):
    return reverse("accounts:invite", args=[org.slug])


def test_admin_sees_members_and_pending_invitations(
    client, buyer, buyer_org, assessor, django_assert_max_num_queries
):
    InvitationFactory(organisation=buyer_org, email="waiting@example.org", invited_by=buyer)
    InvitationFactory(organisation=buyer_org, email="second@example.org", invited_by=buyer)
    InvitationFactory(
        organisation=buyer_org, email="gone@example.org", status=Invitation.Status.REVOKED
    )
    mfa_login(client, buyer)
    client.get(_team(buyer_org))  # first request creates site settings
    with django_assert_max_num_queries(13):
        response = client.get(_team(buyer_org))
    html = response.content.decode()
    assert response.status_code == 200
    assert buyer.email in html and assessor.email in html
    assert "waiting@example.org" in html
    assert "gone@example.org" not in html
    assert "Invite a team member" in html
    assert "Revoke" in html and "Remove" in html

    # More rows, same number of queries: no query per member or invitation.
    for n in range(5):
        MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR)
        InvitationFactory(organisation=buyer_org, email=f"more{n}@example.org", invited_by=buyer)
    with django_assert_max_num_queries(13):
        assert client.get(_team(buyer_org)).status_code == 200


def test_staff_can_view_team_page(client, staff_user, buyer_org):
    mfa_login(client, staff_user)
    response = client.get(_team(buyer_org))
    assert response.status_code == 200
    assert "Invite a team member" not in response.content.decode()


@pytest.mark.parametrize("path", ["team", "invite"])
def test_refused_for_non_admins(client, buyer_org, assessor, other_buyer, supplier_admin, path):
    url = _team(buyer_org) if path == "team" else _invite(buyer_org)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # A member who is not an admin knows the organisation exists: 403. Outsiders get the same
    # 404 as for an organisation that does not exist.
    for user, status in ((assessor, 403), (other_buyer, 404), (supplier_admin, 404)):
        mfa_login(client, user)
        assert client.get(url).status_code == status, user
        data = {"email": "x@example.org", "role": "assessor"}
        assert client.post(url, data).status_code == status, user


def test_supplier_member_is_not_admin(client, supplier_org):
    member = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_MEMBER).user
    mfa_login(client, member)
    assert client.get(_team(supplier_org)).status_code == 403


def test_unknown_organisation_is_404(client, buyer):
    mfa_login(client, buyer)
    assert client.get("/organisations/no-such-org/team/").status_code == 404


def test_invite_form_empty_and_junk(client, buyer, buyer_org):
    mfa_login(client, buyer)
    for data in ({}, {"email": JUNK, "role": JUNK}):
        response = client.post(_invite(buyer_org), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in html
        assert "govuk-error-message" in html
    html = client.post(_invite(buyer_org), {}).content.decode()
    assert "Enter the email address of the person you want to invite" in html
    assert "Select the role they will have" in html
    assert not Invitation.objects.exists()


def test_invite_offers_only_roles_that_fit(client, supplier_admin, supplier_org):
    mfa_login(client, supplier_admin)
    html = client.get(_invite(supplier_org)).content.decode()
    assert 'value="supplier_member"' in html
    assert 'value="assessor"' not in html
    response = client.post(_invite(supplier_org), {"email": "a@example.org", "role": "assessor"})
    assert "Select one of the roles listed" in response.content.decode()


def test_invite_sends_email_and_redirects(
    client, buyer, buyer_org, django_capture_on_commit_callbacks
):
    mfa_login(client, buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invite(buyer_org), {"email": "new@example.org", "role": Role.COMMISSIONER}
        )
    assert response.status_code == 302
    assert response["Location"] == _team(buyer_org)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new@example.org", Role.COMMISSIONER)
    assert mail.outbox[0].to == ["new@example.org"]
    html = client.get(_team(buyer_org)).content.decode()
    assert "We have sent an invitation to new@example.org" in html


def test_duplicate_invite_shows_error_on_the_form(client, buyer, buyer_org):
    InvitationFactory(organisation=buyer_org, email="dup@example.org")
    mfa_login(client, buyer)
    response = client.post(_invite(buyer_org), {"email": "dup@example.org", "role": "assessor"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "already has an invitation waiting" in html


def test_revoke_by_admin(client, buyer, buyer_org):
    invitation = InvitationFactory(organisation=buyer_org)
    mfa_login(client, buyer)
    url = reverse("accounts:invitation_revoke", args=[buyer_org.slug, invitation.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "has been revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_revoke_refused_for_others(client, buyer_org, assessor, other_buyer, other_buyer_org):
    invitation = InvitationFactory(organisation=buyer_org)
    url = reverse("accounts:invitation_revoke", args=[buyer_org.slug, invitation.pk])
    assert client.post(url).status_code == 302  # to sign in
    for user, status in ((assessor, 403), (other_buyer, 404)):
        mfa_login(client, user)
        assert client.post(url).status_code == status
    # Another org's admin cannot reach it through their own organisation's URL either.
    mfa_login(client, other_buyer)
    own_url = reverse("accounts:invitation_revoke", args=[other_buyer_org.slug, invitation.pk])
    assert client.post(own_url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_remove_member_and_last_admin_message(client, buyer, buyer_org, assessor):
    mfa_login(client, buyer)
    target = Membership.objects.get(user=assessor)
    url = reverse("accounts:membership_remove", args=[buyer_org.slug, target.pk])
    html = client.get(url).content.decode()
    assert f"Are you sure you want to remove {assessor}?" in html
    assert Membership.objects.filter(pk=target.pk).exists()  # asking removes nothing
    response = client.post(url, follow=True)
    assert "no longer has the assessor role" in response.content.decode()
    assert not Membership.objects.filter(pk=target.pk).exists()

    own = Membership.objects.get(user=buyer)
    url = reverse("accounts:membership_remove", args=[buyer_org.slug, own.pk])
    response = client.post(url, follow=True)
    assert "You cannot remove the last admin" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_remove_refused_for_others(client, buyer_org, assessor, other_buyer):
    target = Membership.objects.get(user=assessor)
    url = reverse("accounts:membership_remove", args=[buyer_org.slug, target.pk])
    commissioner = MembershipFactory(organisation=buyer_org, role=Role.COMMISSIONER).user
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(commissioner, generate_totp_secret())
    for user, status in ((other_buyer, 404), (commissioner, 403)):
        mfa_login(client, user)
        assert client.get(url).status_code == status
        assert client.post(url).status_code == status
    assert Membership.objects.filter(pk=target.pk).exists()


# --- accepting an invitation ------------------------------------------------------------


def test_anonymous_sees_explanation_and_links_with_next(client, buyer_org):
    invitation = InvitationFactory(organisation=buyer_org, role=Role.ASSESSOR)
    url = reverse("accounts:invitation_accept", args=[invitation.token])
    html = client.get(url).content.decode()
    assert f"Join {buyer_org.name}" in html
    assert invitation.email in html
    assert f"{reverse('account_login')}?next=%2Finvitations%2F{invitation.token}%2F" in html
    assert f"{reverse('account_signup')}?next=" in html
    assert client.post(url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invited_person_accepts(client, buyer_org):
    invitation = InvitationFactory(organisation=buyer_org, role=Role.ASSESSOR)
    user = UserFactory(email=invitation.email)
    mfa_login(client, user)
    url = reverse("accounts:invitation_accept", args=[invitation.token])
    assert "Accept invitation" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert f"You have joined {buyer_org.name}. Your role is assessor." in response.content.decode()
    assert Membership.objects.filter(user=user, organisation=buyer_org, role=Role.ASSESSOR).exists()


def test_wrong_person_is_told_what_to_do(client, buyer_org):
    invitation = InvitationFactory(organisation=buyer_org)
    mfa_login(client, UserFactory())
    response = client.post(reverse("accounts:invitation_accept", args=[invitation.token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert f"This invitation was sent to {invitation.email}" in html


def test_unknown_or_junk_token(client):
    assert client.get("/invitations/not-a-token/").status_code == 404
    assert client.get(f"/invitations/{'x' * 300}/").status_code == 404


def test_sign_in_from_invitation_comes_back(client, buyer_org, password):
    invitation = InvitationFactory(organisation=buyer_org, role=Role.ASSESSOR)
    user = UserFactory(email=invitation.email)
    url = reverse("accounts:invitation_accept", args=[invitation.token])
    response = client.post(
        f"{reverse('account_login')}?next={url}",
        {"login": user.email, "password": password, "next": url},
    )
    assert response["Location"] == url


# --- dashboard ----------------------------------------------------------------------------


def test_dashboard_links_admins_to_team_page_only(client, buyer, buyer_org, assessor):
    mfa_login(client, buyer)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert _team(buyer_org) in html
    assert "Buyer" in html
    mfa_login(client, assessor)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert buyer_org.name in html
    assert _team(buyer_org) not in html


def test_dashboard_without_organisation(client):
    mfa_login(client, UserFactory())
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "You do not belong to an organisation yet" in html


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_lists_invitations_for_my_confirmed_email(client, buyer_org, other_buyer_org):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    waiting = InvitationFactory(organisation=buyer_org, email=user.email)
    InvitationFactory(
        organisation=other_buyer_org,
        email=user.email,
        expires_at=timezone.now() - timedelta(days=1),
    )
    InvitationFactory(organisation=other_buyer_org, email="someone.else@example.org")
    mfa_login(client, user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Invitations for you" in html
    assert reverse("accounts:invitation_accept", args=[waiting.token]) in html
    assert other_buyer_org.name not in html


def test_supplier_join_link_only_when_the_page_exists(client):
    from django.urls import NoReverseMatch

    mfa_login(client, UserFactory())
    html = client.get(reverse("accounts:dashboard")).content.decode()
    try:
        url = reverse("suppliers:join_start")
    except NoReverseMatch:
        assert "Join as a supplier" not in html
    else:
        assert "Join as a supplier" in html
        assert url in html


def test_dashboard_groups_roles_by_organisation(
    client, buyer, buyer_org, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.challenges import ChallengeFactory

    MembershipFactory(user=buyer, organisation=buyer_org, role=Role.COMMISSIONER)
    mfa_login(client, buyer)
    client.get(reverse("accounts:dashboard"))
    # Every installed app adds a panel; each panel costs a fixed number of queries.
    # 18 for accounts, suppliers and challenges; contracts and feedback add their panels (8).
    with django_assert_max_num_queries(26):
        html = client.get(reverse("accounts:dashboard")).content.decode()
    assert html.count('class="govuk-summary-card__title"') == 1
    assert "Your roles" in html and "Commissioner" in html and "Buyer" in html

    # More challenges to show must not mean more queries (no N+1 in any panel).
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("accounts:dashboard"))
    ChallengeFactory.create_batch(4, buyer=buyer_org)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("accounts:dashboard"))
    assert len(after) == len(before)


def test_new_person_signs_up_from_invitation_and_comes_back_to_accept(client, buyer_org):
    """Invitation link -> create account -> confirm email -> back on the invitation page."""
    import re

    invitation = InvitationFactory(organisation=buyer_org, role=Role.ASSESSOR)
    url = reverse("accounts:invitation_accept", args=[invitation.token])
    response = client.post(
        f"{reverse('account_signup')}?next={url}",
        {
            "full_name": "New Person",
            "email": invitation.email,
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchard",
            "next": url,
        },
        follow=True,
    )
    assert "Check your email" in response.content.decode()
    confirm_link = re.search(
        r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    )
    assert confirm_link, mail.outbox[-1].body
    response = client.post(confirm_link.group(1), follow=True)
    assert response.redirect_chain[-1][0] == url
    response = client.post(url, follow=True)
    assert f"You have joined {buyer_org.name}" in response.content.decode()
