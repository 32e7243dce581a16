"""Create forms with a one-time token: posting twice creates one object."""

import re
import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Organisation
from marketplace.core.idempotency import FormTokenField
from marketplace.core.models import IdempotencyKey
from suppliers.models import SupplierProfile
from tests.factories import UserFactory

NEW = "suppliers:join_new"


def _token_from(html: str) -> str:
    match = re.search(r'name="form_token"[^>]* value="([0-9a-f-]{36})"', html)
    assert match, "the create form has no form_token"
    return match[1]


def _supplier_orgs():
    return Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)


@pytest.mark.django_db
def test_each_empty_form_gets_a_fresh_token(client):
    client.force_login(UserFactory())
    first = _token_from(client.get(reverse(NEW)).content.decode())
    second = _token_from(client.get(reverse(NEW)).content.decode())
    assert first != second
    uuid.UUID(first)


@pytest.mark.django_db
def test_posting_the_same_form_twice_creates_one_organisation(client):
    client.force_login(UserFactory())
    token = _token_from(client.get(reverse(NEW)).content.decode())
    data = {"legal_name": "Bright Sparks Ltd", "trading_name": "", "form_token": token}
    first = client.post(reverse(NEW), data)
    second = client.post(reverse(NEW), data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    profile = SupplierProfile.objects.get()
    assert first.url == reverse("suppliers:join_step", args=[profile.slug, "company"])
    assert _supplier_orgs().count() == 1
    assert IdempotencyKey.objects.get().result_url == first.url


@pytest.mark.django_db
def test_save_and_come_back_later_is_replayed_to_the_task_list(client):
    client.force_login(UserFactory())
    data = {"legal_name": "Later Ltd", "form_token": str(uuid.uuid4()), "later": ""}
    first = client.post(reverse(NEW), data)
    second = client.post(reverse(NEW), data)
    profile = SupplierProfile.objects.get()
    assert first.url == second.url == reverse("suppliers:join_tasks", args=[profile.slug])


@pytest.mark.django_db
def test_a_new_form_creates_another_organisation(client):
    client.force_login(UserFactory())
    for name in ("One Ltd", "Two Ltd"):
        client.post(reverse(NEW), {"legal_name": name, "form_token": str(uuid.uuid4())})
    assert _supplier_orgs().count() == 2


@pytest.mark.django_db
def test_a_refused_post_does_not_use_up_the_token(client):
    client.force_login(UserFactory())
    token = str(uuid.uuid4())
    response = client.post(reverse(NEW), {"legal_name": "", "form_token": token})
    assert response.status_code == 200
    assert _token_from(response.content.decode()) == token  # the same form, sent again
    assert not IdempotencyKey.objects.exists()
    response = client.post(reverse(NEW), {"legal_name": "Fixed Ltd", "form_token": token})
    assert response.status_code == 302
    assert _supplier_orgs().count() == 1


@pytest.mark.django_db
def test_a_service_error_releases_the_token(client, monkeypatch):
    from marketplace.core.errors import ValidationFailed
    from suppliers import services

    client.force_login(UserFactory())
    token = str(uuid.uuid4())

    def refuse(**kwargs):
        raise ValidationFailed("Try again", field="legal_name")

    with monkeypatch.context() as patch:
        patch.setattr(services, "supplier_create", refuse)
        response = client.post(reverse(NEW), {"legal_name": "X Ltd", "form_token": token})
    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()
    assert (
        client.post(reverse(NEW), {"legal_name": "X Ltd", "form_token": token}).status_code == 302
    )
    assert _supplier_orgs().count() == 1


@pytest.mark.django_db
def test_someone_elses_token_is_not_a_replay_of_their_organisation(client):
    token = str(uuid.uuid4())
    client.force_login(UserFactory())
    first = client.post(reverse(NEW), {"legal_name": "Mine Ltd", "form_token": token})
    other = Client()
    other.force_login(UserFactory())
    second = other.post(reverse(NEW), {"legal_name": "Theirs Ltd", "form_token": token})
    assert second.status_code == 302
    assert second.url != first.url
    assert _supplier_orgs().count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["", "not-a-uuid", "x" * 5000])
def test_missing_or_junk_token_still_creates(client, junk):
    client.force_login(UserFactory())
    response = client.post(reverse(NEW), {"legal_name": "Plain Ltd", "form_token": junk})
    assert response.status_code == 302
    assert _supplier_orgs().count() == 1


def test_token_field_cleans_to_uuid_or_none():
    field = FormTokenField()
    token = uuid.uuid4()
    assert field.clean(str(token)) == token
    assert field.clean("nonsense") is None
    assert field.clean(None) is None


# Real commits, so that the two threads (two connections) see each other's rows. The marker also
# makes pytest-django create the test database when this test runs alone; the tables are
# emptied afterwards and the data migrations' rows put back (tests/conftest.py).
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_create_one_organisation():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking on the unique index")
    user = UserFactory()
    token = str(uuid.uuid4())
    data = {"legal_name": "Racing Ltd", "trading_name": "", "form_token": token}
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def post(client):
        try:
            barrier.wait(timeout=10)
            responses.append(client.post(reverse(NEW), data))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url
    assert _supplier_orgs().filter(name="Racing Ltd").count() == 1
    assert SupplierProfile.objects.filter(legal_name="Racing Ltd").count() == 1
