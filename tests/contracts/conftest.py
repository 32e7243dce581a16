"""Fixtures for the claims and payments tests.

- ``localstripe``: a real ``localstripe`` server (session-scoped subprocess on a free port), and
  per test the settings that point the Stripe client at it.
- ``connect_stub``: a tiny HTTP server answering the Stripe Connect calls localstripe does not
  have (accounts, account links, transfers), with bodies shaped from the Stripe API reference.
  The real ``stripe`` client and our provider code are what is tested; only Stripe is stood in.
- ``sign_webhook``: a payload signed with the webhook secret the way Stripe signs it.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

STRIPE_KEY = "sk_test_marketplace"
WEBHOOK_SECRET = "whsec_test_marketplace"


@pytest.fixture(autouse=True)
def _seeded_reference_data(request):
    """Put back the regions and capabilities a data migration made, if a transactional test
    (the concurrency tests, here or elsewhere) has flushed them from a reused database."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from django.apps import apps

    from suppliers.models import Region

    if not Region.objects.exists():
        seed = importlib.import_module("suppliers.migrations.0002_seed_regions_and_capabilities")
        seed.seed(apps, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answers(url: str, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {process.returncode}")
        request = urllib.request.Request(  # noqa: S310 (our local test server)
            url + "/v1/customers", headers={"Authorization": f"Bearer {STRIPE_KEY}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=1):  # noqa: S310 (local test server)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("localstripe did not start")


@pytest.fixture(scope="session")
def localstripe_server():
    """The base URL of a localstripe server started for this test session."""
    binary = Path(sys.executable).parent / "localstripe"
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        process = subprocess.Popen(  # noqa: S603 (our own virtualenv's binary)
            [str(binary), "--port", str(port), "--from-scratch"],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answers(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def localstripe(settings, localstripe_server):
    """Settings for Stripe against the running localstripe; returns its base URL."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return localstripe_server


@pytest.fixture
def stripe_unreachable(settings):
    """Point the Stripe client at a port nothing listens on."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings.STRIPE_API_BASE


def save_card(organisation, by, *, card="4242424242424242"):
    """Set up billing for ``organisation`` against localstripe as Checkout would: start the
    set-up, confirm the SetupIntent with a test card, then complete it."""
    from contracts.providers.stripe import client
    from contracts.services.payments import billing_setup_complete, billing_setup_start

    account = billing_setup_start(organisation=organisation, by=by)
    stripe_client = client()
    method = stripe_client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }
    )
    stripe_client.v1.setup_intents.confirm(
        account.setup_intent_id, params={"payment_method": method.id}
    )
    return billing_setup_complete(
        organisation=organisation, by=by, setup_intent_id=account.setup_intent_id
    )


@pytest.fixture
def sign_webhook():
    """``sign_webhook(event_dict, secret=..., timestamp=...) -> (payload bytes, header)``."""

    def sign(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
        payload = json.dumps(event).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        signed = f"{timestamp}.".encode() + payload
        digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return payload, f"t={timestamp},v1={digest}"

    return sign


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    """An event as Stripe sends it (https://docs.stripe.com/api/events/object)."""
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


# --- Connect stub -----------------------------------------------------------------------------


class ConnectStub:
    """Answers the Stripe endpoints localstripe lacks (Connect: accounts, account links,
    transfers; Checkout sessions) with API-reference-shaped JSON, and records requests. Customers,
    SetupIntents and PaymentIntent lookups are answered too, so one test can run a whole flow."""

    def __init__(self):
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.accounts: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}  # by idempotency key
        self.payment_intents: dict[str, dict] = {}
        self.setup_intents: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.fail_next = 0  # answer this many requests with 500 first
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method: str, path: str) -> list[dict]:
        return [form for m, p, form, _ in self.requests if m == method and p == path]

    def _answer(self, method: str, path: str, form: dict, headers: dict):
        key = headers.get("Idempotency-Key", "")
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/accounts":
            account_id = f"acct_{uuid.uuid4().hex[:16]}"
            self.accounts[account_id] = {
                "id": account_id,
                "object": "account",
                "type": form.get("type", "express"),
                "country": form.get("country", "GB"),
                "business_type": form.get("business_type"),
                "charges_enabled": False,
                "payouts_enabled": False,
                "details_submitted": False,
                "capabilities": {"transfers": "inactive"},
                "metadata": _nested(form, "metadata"),
            }
            return 200, self.accounts[account_id]
        if method == "GET" and len(parts) == 3 and parts[1] == "accounts":
            account = self.accounts.get(parts[2])
            return (200, account) if account else (404, _error("No such account"))
        if method == "POST" and path == "/v1/account_links":
            return 200, {
                "object": "account_link",
                "created": int(time.time()),
                "expires_at": int(time.time()) + 300,
                "url": f"https://connect.stripe.com/setup/e/{form['account']}/onboard",
            }
        if method == "POST" and path == "/v1/transfers":
            if key in self.transfers:
                return 200, self.transfers[key]
            transfer = {
                "id": f"tr_{uuid.uuid4().hex[:16]}",
                "object": "transfer",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "destination": form["destination"],
                "source_transaction": form.get("source_transaction"),
                "transfer_group": form.get("transfer_group"),
                "metadata": _nested(form, "metadata"),
                "reversed": False,
            }
            self.transfers[key] = transfer
            return 200, transfer
        if method == "POST" and path == "/v1/customers":
            return 200, {"id": f"cus_{uuid.uuid4().hex[:14]}", "object": "customer", **form}
        if method == "POST" and path == "/v1/setup_intents":
            setup_intent = {
                "id": f"seti_{uuid.uuid4().hex[:14]}",
                "object": "setup_intent",
                "customer": form.get("customer"),
                "status": "requires_payment_method",
                "payment_method": None,
                "usage": form.get("usage"),
            }
            self.setup_intents[setup_intent["id"]] = setup_intent
            return 200, setup_intent
        if method == "GET" and len(parts) == 3 and parts[1] == "setup_intents":
            setup_intent = self.setup_intents.get(parts[2])
            return (200, setup_intent) if setup_intent else (404, _error("No such setupintent"))
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = f"cs_test_{uuid.uuid4().hex[:20]}"
            # Checkout in setup mode makes its own SetupIntent, confirmed when the person
            # enters a card on Stripe's page (done here at once, as if they had).
            setup_intent = {
                "id": f"seti_{uuid.uuid4().hex[:14]}",
                "object": "setup_intent",
                "customer": form.get("customer"),
                "status": "succeeded",
                "payment_method": f"pm_{uuid.uuid4().hex[:14]}",
            }
            self.setup_intents[setup_intent["id"]] = setup_intent
            self.sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "mode": form.get("mode"),
                "customer": form.get("customer"),
                "setup_intent": setup_intent["id"],
                "success_url": form.get("success_url"),
                "cancel_url": form.get("cancel_url"),
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            }
            return 200, self.sessions[session_id]
        if method == "GET" and len(parts) == 4 and parts[1:3] == ["checkout", "sessions"]:
            session = self.sessions.get(parts[3])
            return (200, session) if session else (404, _error("No such checkout.session"))
        if method == "GET" and len(parts) == 3 and parts[1] == "payment_intents":
            intent = self.payment_intents.get(parts[2])
            return (200, intent) if intent else (404, _error("No such payment_intent"))
        return 404, _error(f"Unrecognized request URL ({method}: {path})")

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _respond(self, method):
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else query
                form = {k: v[0] for k, v in parse_qs(body).items()}
                headers = dict(self.headers.items())
                stub.requests.append((method, path, form, headers))
                if stub.fail_next > 0:
                    stub.fail_next -= 1
                    status, data = 500, _error("Stripe is having a bad day", kind="api_error")
                else:
                    status, data = stub._answer(method, path, form, headers)
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:12]}")
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._respond("GET")

            def do_POST(self):
                self._respond("POST")

        return Handler


def _nested(form: dict, name: str) -> dict:
    prefix = f"{name}["
    return {k[len(prefix) : -1]: v for k, v in form.items() if k.startswith(prefix)}


def _error(message: str, *, kind: str = "invalid_request_error") -> dict:
    return {"error": {"type": kind, "message": message}}


@pytest.fixture
def connect_stub(settings):
    """A running Connect stub; the Stripe client points at it for this test."""
    stub = ConnectStub().start()
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_API_BASE = stub.url
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield stub
    stub.stop()
