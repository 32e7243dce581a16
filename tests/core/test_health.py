import pytest
from django.db import connection

REDIS_URL = "redis://127.0.0.1:6379/4"
UNREACHABLE_BROKER_URL = "redis://127.0.0.1:1/0"


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_dependency_on_the_test_database(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "search"}
    assert body["checks"]["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["checks"]["broker"] == {"ok": True, "mode": "eager"}
    # Database search here; Elasticsearch where ELASTICSEARCH_URL is set (degraded if it is down).
    assert body["checks"]["search"]["ok"] is True


@pytest.mark.integration
def test_readyz_reaches_a_real_redis_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS_URL
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == {
        "ok": True,
        "mode": "broker",
        "transport": "redis",
    }


def test_readyz_is_unavailable_when_the_broker_cannot_be_reached(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER_URL
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    # The other dependencies are still reported, so an operator sees which one failed.
    assert body["checks"]["database"]["ok"] is True
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["broker"]
    assert "127.0.0.1:1" not in response.content.decode()
