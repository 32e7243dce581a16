"""A request ID on every request, response and log line, so one failing request can be traced
through the logs of the web process (and quoted by a user from the error page).

The ID comes from the ``X-Request-ID`` header when a proxy in front already set a sane one,
otherwise it is generated. It is echoed back in the ``X-Request-ID`` response header and added
to every log record made while the request is handled (``request_id``; ``-`` outside requests).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    """Put first in MIDDLEWARE so that everything after it logs with the ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(_META_KEY, "")
        request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (attach to handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True
