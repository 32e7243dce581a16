"""Two-factor authentication: who must set it up, setting it up, and signing in with a code."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from marketplace.accounts.models import Organisation, Role
from tests.conftest import mfa_login
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _member(role, kind=Organisation.Kind.BUYER):
    return MembershipFactory(organisation=OrganisationFactory(kind=kind), role=role).user


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/cms/", "/django-admin/", "/accounts/password/change/"]
)
@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: _member(Role.BUYER), id="buyer"),
        pytest.param(lambda: _member(Role.COMMISSIONER), id="commissioner"),
        pytest.param(lambda: UserFactory(is_staff=True, is_superuser=True), id="staff"),
    ],
)
def test_spending_roles_without_totp_are_sent_to_set_it_up(client, make_user, path):
    client.force_login(make_user())
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{ACTIVATE}?next={path}"


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(
            lambda: _member(Role.SUPPLIER_ADMIN, Organisation.Kind.SUPPLIER), id="supplier_admin"
        ),
        pytest.param(
            lambda: _member(Role.SUPPLIER_MEMBER, Organisation.Kind.SUPPLIER), id="supplier_member"
        ),
        pytest.param(lambda: _member(Role.ASSESSOR), id="assessor"),
        pytest.param(lambda: UserFactory(), id="no_organisation"),
    ],
)
def test_other_roles_are_not_forced(client, make_user):
    client.force_login(make_user())
    assert client.get("/dashboard/").status_code == 200


def test_buyer_with_totp_reaches_dashboard(client, buyer):
    mfa_login(client, buyer)
    assert client.get("/dashboard/").status_code == 200


def test_activate_page_shows_qr_code_and_secret_and_activates(client, password):
    user = _member(Role.BUYER)
    # A real sign-in (allauth only lets a recently authenticated session add an authenticator).
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{ACTIVATE}?next=/dashboard/"
    assert "you must set up two-factor authentication" in response.content.decode()
    response = client.get(ACTIVATE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Set up two-factor authentication" in html
    assert 'src="data:image/svg+xml;base64,' in html
    secret = client.session[SECRET_SESSION_KEY]
    assert f'value="{secret}"' in html

    # Empty and wrong codes are explained, not accepted.
    response = client.post(ACTIVATE, {"code": ""})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    response = client.post(ACTIVATE, {"code": "x" * 10_000})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    response = client.post(ACTIVATE, {"code": wrong})
    assert "The code is not right or has expired" in response.content.decode()
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    response = client.post(ACTIVATE, {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Recovery codes are shown once activated; after that the dashboard is open.
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert "Your recovery codes" in html
    assert len(re.findall(r"<li>[0-9a-f]{8}</li>", html)) == 10
    assert client.get("/dashboard/").status_code == 200


def test_sign_in_asks_for_code_when_totp_is_active(client, password):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = _member(Role.BUYER)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Enter your security code" in page

    response = client.post(reverse("mfa_authenticate"), {"code": ""})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert "The code is not right or has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/dashboard/").status_code == 200


def test_supplier_without_totp_signs_in_with_password_only(client, password, supplier_admin):
    response = client.post(
        reverse("account_login"), {"login": supplier_admin.email, "password": password}
    )
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.session["_auth_user_id"] == str(supplier_admin.pk)


def test_turning_off_an_established_authenticator_needs_reauthentication(client, password):
    from datetime import timedelta

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    user = _member(Role.BUYER)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    Authenticator.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=1))
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_junk_code_at_sign_in_is_an_error_not_a_crash(client, password):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = _member(Role.BUYER)
    TOTP.activate(user, generate_totp_secret())
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    response = client.post(reverse("mfa_authenticate"), {"code": "9" * 10_000})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "_auth_user_id" not in client.session


def test_a_code_from_the_previous_window_works_once_and_cannot_be_replayed(password):
    """Tolerance accepts the previous window's code (clock drift, slow typing); a code that was
    accepted is refused again for as long as it would otherwise be valid."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    user = _member(Role.BUYER)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    previous_window = format_hotp_value(hotp_value(secret, int(time.time()) // 30 - 1))

    def sign_in_with(code):
        browser = Client()
        browser.post(reverse("account_login"), {"login": user.email, "password": password})
        return browser, browser.post(reverse("mfa_authenticate"), {"code": code})

    first, response = sign_in_with(previous_window)
    assert response.status_code == 302
    assert first.session["_auth_user_id"] == str(user.pk)

    # Straight away, allauth's own one-window memory refuses it.
    second, response = sign_in_with(previous_window)
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session

    # One window later allauth has forgotten it (its memory lasts one period); ours has not.
    from django.core.cache import cache

    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={previous_window}")
    third, response = sign_in_with(previous_window)
    assert response.status_code == 200
    assert "This code has already been used" in response.content.decode()
    assert "_auth_user_id" not in third.session
