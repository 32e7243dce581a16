"""Five wrong passwords lock an account for 15 minutes from the address they came from, even
against the right password; other addresses can still sign in to it."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Your account is locked for 15 minutes"


def _sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sixth_attempt_with_right_password_is_refused_while_locked(client, password):
    user = UserFactory()
    for _ in range(5):
        response = _sign_in(client, user.email, "wrong-password")
        assert response.status_code == 200
        assert "The email address or password is not right" in response.content.decode()

    response = _sign_in(client, user.email, password)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert LOCKED in html
    assert "reset your password" in html
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, password):
    user = UserFactory()
    for _ in range(4):
        _sign_in(client, user.email, "wrong-password")
    response = _sign_in(client, user.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_lock_is_per_account(client, password):
    locked, other = UserFactory(), UserFactory()
    for _ in range(5):
        _sign_in(client, locked.email, "wrong-password")
    assert LOCKED in _sign_in(client, locked.email, password).content.decode()
    response = _sign_in(client, other.email, password)
    assert response.status_code == 302


ADDRESS_A, ADDRESS_B = "203.0.113.10", "198.51.100.20"


def _sign_in_from(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, password):
    """Knowing someone's email is not enough to lock them out: the lock is per account and
    address, so the owner signing in from their own address still gets in."""
    user = UserFactory()
    for _ in range(5):
        _sign_in_from(client, user.email, "wrong-password", ADDRESS_A)
    assert LOCKED in _sign_in_from(client, user.email, password, ADDRESS_A).content.decode()

    response = _sign_in_from(client, user.email, password, ADDRESS_B)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_behind_a_proxy_the_lock_keys_on_the_forwarded_client_address(client, password, settings):
    """With ALLAUTH_TRUSTED_PROXY_COUNT set, the proxy's own address is not the key."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    user = UserFactory()
    for _ in range(5):
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong-password"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=ADDRESS_A,
        )
    locked = client.post(
        reverse("account_login"),
        {"login": user.email, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ADDRESS_A,
    )
    assert LOCKED in locked.content.decode()
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ADDRESS_B,
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
