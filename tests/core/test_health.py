import pytest
from django.db import connection

REDIS_URL = "redis://127.0.0.1:6379/4"
UNREACHABLE_BROKER_URL = "redis://127.0.0.1:1/0"


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


TOKEN = "readyz-test-token-0123456789"  # noqa: S105


@pytest.fixture
def monitor(settings):
    """A monitoring probe that sends the configured READYZ_TOKEN."""
    settings.READYZ_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_readyz_tells_anonymous_callers_only_up_or_down(client, db, settings):
    settings.READYZ_TOKEN = TOKEN
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "authorization",
    ["Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", TOKEN],
)
def test_readyz_hides_details_from_a_wrong_token(client, db, settings, authorization):
    settings.READYZ_TOKEN = TOKEN
    response = client.get("/readyz", HTTP_AUTHORIZATION=authorization)
    assert response.json() == {"status": "ok"}


def test_readyz_never_matches_an_empty_token_setting(client, db, settings):
    settings.READYZ_TOKEN = ""
    assert client.get("/readyz", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


def test_readyz_shows_details_to_staff_who_passed_two_factor(client, staff_user, mfa_login):
    mfa_login(client, staff_user)
    assert set(client.get("/readyz").json()["checks"]) == {"database", "broker", "search"}


def test_readyz_hides_details_from_staff_sessions_without_two_factor(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/readyz").json() == {"status": "ok"}


def test_readyz_hides_details_from_non_staff(client, buyer, mfa_login):
    mfa_login(client, buyer)
    assert client.get("/readyz").json() == {"status": "ok"}


def test_readyz_reports_each_dependency_on_the_test_database(client, db, monitor):
    response = client.get("/readyz", **monitor)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "search"}
    assert body["checks"]["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["checks"]["broker"] == {"ok": True, "mode": "eager"}
    # Database search here; Elasticsearch where ELASTICSEARCH_URL is set (degraded if it is down).
    assert body["checks"]["search"]["ok"] is True


@pytest.mark.integration
def test_readyz_reaches_a_real_redis_broker(client, db, settings, monitor):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS_URL
    response = client.get("/readyz", **monitor)
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == {
        "ok": True,
        "mode": "broker",
        "transport": "redis",
    }


def test_readyz_is_only_unavailable_for_anonymous_callers_when_a_check_fails(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER_URL
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_readyz_is_unavailable_when_the_broker_cannot_be_reached(client, db, settings, monitor):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER_URL
    response = client.get("/readyz", **monitor)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    # The other dependencies are still reported, so an operator sees which one failed.
    assert body["checks"]["database"]["ok"] is True
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["broker"]
    assert "127.0.0.1:1" not in response.content.decode()
