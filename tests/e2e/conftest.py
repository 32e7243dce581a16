"""Browser tests: Playwright driving Debian's Chromium headless against pytest-django's live server.

Run with ``make test`` (they are part of the suite) or ``pytest -m e2e``. Chromium comes from
Debian (``apt-get install chromium``); Playwright's own browser download is never used.
"""

import os
import time
from pathlib import Path

import pytest

from tests.conftest import restore_migrated_data

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls in the
# test body are still synchronous, so Django must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    """Browser tests are transactional: put back what the data migrations made (see
    ``tests.conftest.restore_migrated_data``), or a later browser test would see a 404 where the
    home page should be."""
    restore_migrated_data()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. Install it with "
            "`apt-get install chromium` (the .ci/run script does this)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, viewport={"width": 1024, "height": 800})
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    context, page = _new_page(browser, live_server, viewport={"width": 375, "height": 740})
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    """A desktop page with JavaScript switched off: core journeys must still work."""
    context, page = _new_page(
        browser, live_server, viewport={"width": 1024, "height": 800}, java_script_enabled=False
    )
    yield page
    context.close()


def totp_code(secret: str, *, min_seconds_left: float = 5) -> str:
    """The current six-digit code for ``secret``, as an authenticator app would show it.

    A code read in the last seconds of its 30-second window can expire before the form is
    posted (slow CI, a busy CPU), so near the end of a window this waits for the next one, as
    a person would. ``MFA_TOTP_TOLERANCE = 1`` in settings also accepts the previous window's
    code, which covers the rest of the drift.
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    seconds_left = period - time.time() % period
    if seconds_left < min_seconds_left:
        time.sleep(seconds_left + 0.1)
    # The current window, computed here: allauth's counter generator starts at the oldest
    # window it tolerates, which is not what an authenticator app shows.
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign in through the real sign-in form, answering the two-factor prompt when asked."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.get_by_label("Code", exact=False).first.fill(totp_code(totp_secret))
        page.get_by_role("button", name="Continue", exact=False).or_(
            page.get_by_role("button", name="Sign in")
        ).first.click()


@pytest.fixture
def axe():
    """Run axe-core in the page and return violations at ``serious`` or ``critical`` impact."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does this).")
    source = AXE_JS.read_text()

    def run(page) -> list[dict]:
        # Evaluated through DevTools, not added as an inline <script> tag: the pages'
        # Content-Security-Policy (rightly) refuses inline scripts.
        page.evaluate(source + "\n;void 0")
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    return run


# Chromium writes a console message for every request or script a page's Content-Security-Policy
# or Permissions-Policy refuses. A refused script is a feature silently broken for real users.
_POLICY_MESSAGES = ("Content Security Policy", "Permissions-Policy")


@pytest.fixture(autouse=True)
def fail_on_policy_violations(request, monkeypatch):
    """Fail any browser test whose pages logged a Content-Security-Policy or Permissions-Policy
    violation. Every browser context the test opens is watched."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    messages: list[str] = []
    open_context = browser.new_context

    def record(msg):
        if any(marker in msg.text for marker in _POLICY_MESSAGES):
            messages.append(f"{msg.type}: {msg.text}")

    def watched_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        context.on("console", record)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    if messages:
        pytest.fail("The browser refused content:\n" + "\n".join(messages), pytrace=False)
