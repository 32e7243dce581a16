"""One sign-in door, and a second factor per session.

Every login page other than allauth's redirects to it, and buyers, commissioners and staff can
only use a session that passed the two-factor step itself: having an authenticator is not enough.
"""

import time
from urllib.parse import urlencode

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import RequestFactory
from django.urls import reverse

from marketplace.accounts.middleware import SIGN_IN_AGAIN
from marketplace.accounts.models import Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
DOORS = ["/cms/login/", "/_util/login/", "/django-admin/login/"]


def _member(role, kind):
    return MembershipFactory(organisation=OrganisationFactory(kind=kind), role=role).user


ROLES = {
    "staff": lambda: UserFactory(is_staff=True, is_superuser=True),
    "buyer": lambda: _member(Role.BUYER, Organisation.Kind.BUYER),
    "commissioner": lambda: _member(Role.COMMISSIONER, Organisation.Kind.BUYER),
    "supplier": lambda: _member(Role.SUPPLIER_ADMIN, Organisation.Kind.SUPPLIER),
}
MFA_ROLES = ["staff", "buyer", "commissioner"]


def _user_with_secret(role):
    user = ROLES[role]()
    secret = generate_totp_secret()
    if role in MFA_ROLES:
        TOTP.activate(user, secret)
    return user, secret


def _login_with_next(path):
    return f"{LOGIN}?{urlencode({'next': path}, safe='/')}"


def _current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- The doors ------------------------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS)
def test_every_other_login_page_redirects_to_the_one_door_keeping_next(client, door):
    response = client.get(f"{door}?next=/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == _login_with_next("/cms/pages/")


@pytest.mark.parametrize("door", DOORS)
def test_a_door_drops_a_next_that_leaves_the_site(client, door):
    response = client.get(f"{door}?next=https://evil.example.com/")
    assert response["Location"] == LOGIN


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("door", DOORS)
def test_posting_a_password_to_another_door_signs_nobody_in(client, password, door, role):
    user, _ = _user_with_secret(role)
    response = client.post(
        f"{door}?next=/dashboard/",
        {"username": user.email, "email": user.email, "login": user.email, "password": password},
    )
    assert response.status_code == 302
    assert response["Location"] == _login_with_next("/dashboard/")
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/")["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("protected", "expected"),
    [
        ("/cms/", _login_with_next("/cms/")),
        ("/django-admin/", _login_with_next("/django-admin/")),
        ("/dashboard/", _login_with_next("/dashboard/")),
    ],
)
def test_anonymous_visitors_end_at_the_one_door(client, protected, expected):
    response = client.get(protected, follow=True)
    assert response.redirect_chain[-1][0] == expected
    assert response.status_code == 200


def test_wagtail_password_reset_is_switched_off(client):
    """Passwords are reset through allauth only (rate limited, GOV.UK wording)."""
    assert client.get("/cms/password_reset/").status_code == 404
    assert client.post("/cms/password_reset/", {"email": "a@example.org"}).status_code == 404


@pytest.mark.parametrize("logout_path", ["/cms/logout/", "/django-admin/logout/"])
def test_signing_out_of_the_cms_or_admin_goes_through_allauth(client, mfa_login, logout_path):
    user, _ = _user_with_secret("staff")
    mfa_login(client, user)
    response = client.post(logout_path)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


# --- A second factor per session ----------------------------------------------------------


def _password_only_session(client, user):
    """A session as another login page would leave it: signed in, password recorded, no code."""
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "password", email=user.email)
    request.session.save()


SESSIONS_WITHOUT_SECOND_FACTOR = {
    "force_login": lambda client, user: client.force_login(user),
    "password_only": _password_only_session,
}


@pytest.mark.parametrize("path", ["/dashboard/", "/cms/", "/django-admin/"])
@pytest.mark.parametrize("how", SESSIONS_WITHOUT_SECOND_FACTOR)
@pytest.mark.parametrize("role", MFA_ROLES)
def test_a_session_that_skipped_the_second_factor_is_signed_out(client, role, how, path):
    user, _ = _user_with_secret(role)
    SESSIONS_WITHOUT_SECOND_FACTOR[how](client, user)

    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == _login_with_next(path)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Sign in again to continue" in page
    assert SIGN_IN_AGAIN.startswith("Your account can spend or approve public money")


@pytest.mark.parametrize("how", SESSIONS_WITHOUT_SECOND_FACTOR)
def test_a_supplier_does_not_need_a_second_factor(client, how):
    user, _ = _user_with_secret("supplier")
    SESSIONS_WITHOUT_SECOND_FACTOR[how](client, user)
    assert client.get("/dashboard/").status_code == 200


def _sign_in_through_allauth(client, user, password, secret):
    response = client.post(LOGIN, {"login": user.email, "password": password})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("role", MFA_ROLES)
def test_the_real_sign_in_with_a_code_opens_the_service(client, password, role):
    user, secret = _user_with_secret(role)
    _sign_in_through_allauth(client, user, password, secret)
    assert client.get("/dashboard/").status_code == 200


def test_staff_signed_in_with_a_code_reach_the_cms_and_django_admin(client, password):
    user, secret = _user_with_secret("staff")
    _sign_in_through_allauth(client, user, password, secret)
    assert client.get("/cms/").status_code == 200
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("role", MFA_ROLES)
def test_the_mfa_login_helper_leaves_the_same_session_as_the_real_sign_in(
    client, password, mfa_login, role
):
    user, secret = _user_with_secret(role)
    _sign_in_through_allauth(client, user, password, secret)
    real = [r["method"] for r in client.session["account_authentication_methods"]]
    client.logout()
    mfa_login(client, user)
    helped = [r["method"] for r in client.session["account_authentication_methods"]]
    assert real == helped == ["password", "mfa"]
    assert client.get("/dashboard/").status_code == 200


def test_second_factor_records_of_another_user_do_not_count(client, mfa_login):
    """allauth ties the records to the user: a session switched to someone else starts over."""
    first, _ = _user_with_secret("buyer")
    second, _ = _user_with_secret("buyer")
    mfa_login(client, first)
    session = client.session
    records = session["account_authentication_methods"]
    client.force_login(second)
    session = client.session
    session["account_authentication_methods"] = records  # user stays the first one's id
    session.save()
    assert client.get("/dashboard/")["Location"] == _login_with_next("/dashboard/")


def test_setting_up_an_authenticator_counts_as_passing_it(client, password):
    """A buyer who has just proved the new code is not signed out straight after."""
    user = _member(Role.BUYER, Organisation.Kind.BUYER)
    client.post(LOGIN, {"login": user.email, "password": password})
    assert client.get("/dashboard/")["Location"].startswith(reverse("mfa_activate_totp"))
    client.get(reverse("mfa_activate_totp"))
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert [r["method"] for r in client.session["account_authentication_methods"]] == [
        "password",
        "mfa",
    ]
    assert client.get("/dashboard/").status_code == 200


def test_an_older_session_is_signed_out_once_an_authenticator_is_set_up(client, password):
    """A session opened before two-factor was set up (by anyone) did not pass it."""
    user = _member(Role.BUYER, Organisation.Kind.BUYER)
    client.post(LOGIN, {"login": user.email, "password": password})
    TOTP.activate(user, generate_totp_secret())  # set up from another browser
    assert client.get("/dashboard/")["Location"] == _login_with_next("/dashboard/")
    assert "_auth_user_id" not in client.session
