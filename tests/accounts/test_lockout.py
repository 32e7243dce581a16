"""Five wrong passwords lock an account for 15 minutes, even against the right password."""

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
