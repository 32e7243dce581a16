"""Request IDs: on every response, in every log line made during the request, and on the
error page so a user can quote it."""

import io
import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from pythonjsonlogger.json import JsonFormatter

from marketplace.core.request_id import RequestIdFilter, RequestIdMiddleware, current_request_id

logger = logging.getLogger("tests.request_id")


def _crash(request):
    logger.error("about to fail")
    raise RuntimeError("boom")


# The project URLs plus one view that fails, so the real error page renders around it.
urlpatterns = [path("crash/", _crash), path("", include("marketplace.urls"))]
handler500 = "marketplace.core.errors_views.server_error"


def test_every_response_carries_a_generated_id(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_a_sane_incoming_id_is_kept_and_junk_is_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    for junk in ("<script>alert(1)</script>", "x" * 200, "short", "a b c d e f g h"):
        replaced = client.get("/healthz", HTTP_X_REQUEST_ID=junk)["X-Request-ID"]
        assert replaced != junk
        assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_log_lines_during_a_request_carry_its_id_in_json():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RequestIdFilter())
    # Its own logger, untouched by whatever logging set-up other tests ran (a Celery worker
    # reconfigures logging, for one).
    logger = logging.getLogger("tests.request_id.json")
    logger.disabled = False
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:

        def view(request):
            logger.warning("inside the request")
            return HttpResponse("ok")

        middleware = RequestIdMiddleware(view)
        response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="trace-0001-abcd"))
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)

    inside, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert response["X-Request-ID"] == "trace-0001-abcd"
    assert inside["request_id"] == "trace-0001-abcd"
    assert after["request_id"] == "-"
    assert current_request_id() == "-"


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_request_id")
def test_error_page_shows_the_reference_to_quote(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/crash/", HTTP_X_REQUEST_ID="support-ref-0042")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "support-ref-0042"
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "quote reference <strong>support-ref-0042</strong>" in html
