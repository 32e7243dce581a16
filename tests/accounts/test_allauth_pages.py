"""allauth's pages render as GOV.UK pages with an error summary and inline errors."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JUNK = "x" * 10_000


def _assert_error_summary(response, *messages):
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    for message in messages:
        assert message in html, message


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_entrance_pages_use_the_service_layout(client, url_name):
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-template" in html
    assert 'class="govuk-heading-l"' in html
    assert "govuk-error-summary" not in html


def test_sign_in_empty(client):
    response = client.post(reverse("account_login"), {})
    _assert_error_summary(response, "Enter your email address", "Enter your password")
    assert "govuk-error-message" in response.content.decode()


def test_sign_in_junk(client):
    response = client.post(reverse("account_login"), {"login": JUNK, "password": JUNK})
    _assert_error_summary(response, "Enter an email address in the correct format")


def test_wrong_password_says_how_to_fix(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope-nope"})
    _assert_error_summary(response, "The email address or password is not right")


def test_sign_in_works(client, password):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_unverified_account_is_sent_to_check_your_email(client, password):
    user = UserFactory(verified=False)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    html = response.content.decode()
    assert "Check your email" in html
    assert "confirm your email address" in html
    assert "_auth_user_id" not in client.session
    assert any(user.email in m.to for m in mail.outbox)


def test_sign_up_empty(client):
    response = client.post(reverse("account_signup"), {})
    _assert_error_summary(
        response, "Enter your full name", "Enter your email address", "Enter a password"
    )


def test_sign_up_junk(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": JUNK, "email": JUNK, "password1": JUNK, "password2": JUNK},
    )
    _assert_error_summary(response, "Your name must be 150 characters or fewer")


def test_sign_up_weak_password(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ann Example",
            "email": "ann@example.org",
            "password1": "12345",
            "password2": "12345",
        },
    )
    _assert_error_summary(response, "at least 10 characters", "cannot be made of numbers only")


def test_sign_up_passwords_differ(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ann Example",
            "email": "ann@example.org",
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchid",
        },
    )
    _assert_error_summary(response, "The passwords do not match")


def test_sign_up_with_existing_email_says_check_your_email(client):
    existing = UserFactory(email="taken@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Someone Else",
            "email": existing.email,
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchard",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Check your email" in html
    # Enumeration is prevented: the page is the same, the owner is emailed instead.
    assert "already" not in html.split("<main")[1].split("If you already have an account")[0]
    assert [m.to for m in mail.outbox] == [[existing.email]]


def test_sign_up_creates_account_and_asks_to_verify(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ann Example",
            "email": "Ann@Example.org",
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchard",
        },
        follow=True,
    )
    assert "Check your email" in response.content.decode()
    from marketplace.accounts.models import User

    assert User.objects.get(email="ann@example.org").full_name == "Ann Example"


def test_password_reset_empty_and_junk(client):
    _assert_error_summary(
        client.post(reverse("account_reset_password"), {}), "Enter your email address"
    )
    _assert_error_summary(
        client.post(reverse("account_reset_password"), {"email": JUNK}),
        "Enter an email address in the correct format",
    )


def test_password_reset_flow_and_expired_link(client, password):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1

    key = default_token_generator.make_token(user)
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    response = client.get(url, follow=True)
    assert "Create a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "short", "password2": "short"})
    _assert_error_summary(response, "at least 10 characters")
    response = client.post(
        form_url, {"password1": "kettle marble orchard", "password2": "kettle marble orchard"}
    )
    assert response.status_code == 302

    # The link is spent now: the page explains and offers a new one.
    response = client.get(url, follow=True)
    html = response.content.decode()
    assert "has expired or has already been used" in html
    assert reverse("account_reset_password") in html


def test_password_reset_invalid_key(client):
    user = UserFactory()
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": "set-password"},
    )
    html = client.get(url, follow=True).content.decode()
    assert "has expired or has already been used" in html


def test_password_change_errors(client, password):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_change_password"), {})
    _assert_error_summary(response, "Enter your current password", "Enter a new password")
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "wrong",
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchard",
        },
    )
    _assert_error_summary(response, "Your current password is not right")


def test_sign_out_page(client):
    client.force_login(UserFactory())
    html = client.get(reverse("account_logout")).content.decode()
    assert "Are you sure you want to sign out?" in html


def test_emails_use_service_wording(client, password):
    existing = UserFactory(email="taken@example.org")
    client.post(reverse("account_reset_password"), {"email": existing.email})
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Ann Example",
            "email": "ann@example.org",
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchard",
        },
    )
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Confirm your email address to finish creating your account",
        "Reset your password",
    ]
    for message in mail.outbox:
        assert "example.com" not in message.body
        assert "http://testserver/accounts/" in message.body


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/reauthenticate/",
        "/dashboard/account/",
    ],
)
def test_signed_in_pages_render_in_service_layout(client, supplier_admin, path):
    client.force_login(supplier_admin)
    response = client.get(path)
    if response.status_code == 302:  # allauth asks to re-enter the password first
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        response = client.get(response["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-template" in html
    assert "govuk-heading-l" in html


def test_add_email_empty_and_junk(client):
    client.force_login(UserFactory())
    for data in ({"action_add": ""}, {"action_add": "", "email": JUNK}):
        response = client.post(reverse("account_email"), data)
        _assert_error_summary(response)
    response = client.post(reverse("account_email"), {"action_add": ""})
    assert "Enter the email address to add" in response.content.decode()


def test_email_confirmation_with_bad_key_explains(client):
    html = client.get("/accounts/confirm-email/not-a-real-key/").content.decode()
    assert "This link has expired or has already been used" in html
    assert reverse("account_login") in html


def _banners(html: str) -> list[str]:
    import re

    return re.findall(r'class="govuk-notification-banner__heading">([^<]*)<', html)


def test_confirming_an_email_address_shows_one_success_banner(client):
    import re

    client.post(
        reverse("account_signup"),
        {
            "full_name": "New Person",
            "email": "new.person@example.org",
            "password1": "kettle marble orchard",
            "password2": "kettle marble orchard",
        },
        follow=True,  # the "check your email" page shows (and uses up) its own banner
    )
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    response = client.post(link[1], follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert "_auth_user_id" in client.session  # confirming signed them in
    assert _banners(response.content.decode()) == [
        "Your email address new.person@example.org is confirmed."
    ]
    # The next page shows no leftover banner.
    assert _banners(client.get(reverse("accounts:dashboard")).content.decode()) == []


def test_signing_in_still_says_who_is_signed_in(client, password):
    user = UserFactory(full_name="Sam Supplier")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    assert _banners(response.content.decode()) == ["You are signed in as Sam Supplier."]
