"""Production settings and deployment files. Settings are exercised in fresh processes, as a
server starts them, because they are read once at import."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_SECRET_KEY = "x7Qp-3mZ_" * 7  # 63 characters, varied enough for check --deploy
PRODUCTION = "marketplace.settings.production"


def run_manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    return run_python("manage.py", *args, **env_vars)


def run_python(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    # Start from a clean environment so nothing from the test run (or CI) leaks in.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", str(BASE_DIR))}
    env.update(env_vars)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own code
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_ALLOWED_HOSTS="example.gov.uk"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY="too-short",
        DJANGO_ALLOWED_HOSTS="example.gov.uk",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_SECRET_KEY=GOOD_SECRET_KEY
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the DJANGO_ALLOWED_HOSTS environment variable" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=GOOD_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="",
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is empty" in result.stderr


def test_deploy_check_passes_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=GOOD_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="marketplace.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_deploy_check_flags_a_disabled_https_redirect():
    """The check is live: switching a protection off (as compose does locally) is reported."""
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=GOOD_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="marketplace.example.gov.uk",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    assert "security.W008" in result.stderr + result.stdout


# --- docker-compose.yml, Dockerfile, .env.example -------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_defines_every_service_with_a_healthcheck(compose):
    services = compose["services"]
    assert set(services) == {
        "web",
        "worker",
        "beat",
        "postgres",
        "redis",
        "elasticsearch",
        "mailpit",
        "clamav",
    }
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_compose_images_and_commands(compose):
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert re.fullmatch(r".*elasticsearch:9\.\d+\.\d+", services["elasticsearch"]["image"])
    assert "mailpit" in services["mailpit"]["image"]
    es_env = services["elasticsearch"]["environment"]
    assert es_env["discovery.type"] == "single-node"
    assert es_env["xpack.security.enabled"] == "false"

    web_command = services["web"]["command"]
    assert web_command.index("migrate --noinput") < web_command.index("collectstatic --noinput")
    assert "gunicorn marketplace.wsgi:application" in web_command
    assert services["worker"]["command"].startswith("celery -A marketplace worker")
    assert services["beat"]["command"].startswith("celery -A marketplace beat")
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])


def test_compose_wires_the_app_environment(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == PRODUCTION
        assert env["DJANGO_SECURE_SSL_REDIRECT"] == "false"
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
        assert env["EMAIL_URL"] == "smtp://mailpit:1025"
        for key in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
            assert env[key], f"{name} lacks {key}"
        for dependency in ("postgres", "redis", "elasticsearch"):
            assert service["depends_on"][dependency]["condition"] == "service_healthy"


def test_compose_default_secret_key_satisfies_production(compose):
    default = compose["services"]["web"]["environment"]["DJANGO_SECRET_KEY"]
    match = re.fullmatch(r"\$\{DJANGO_SECRET_KEY:-(.+)\}", default)
    assert match and len(match.group(1)) >= 50


def test_dockerfile_installs_weasyprint_libraries_and_locked_dependencies():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libffi8",
        "fonts-dejavu",
    ):
        assert package in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "gunicorn" in dockerfile


def _settings_variables() -> set[str]:
    names = set()
    for path in (BASE_DIR / "marketplace" / "settings").glob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', path.read_text()))
    return names


def test_env_example_documents_every_variable():
    documented = set(
        re.findall(r"^([A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE)
    )
    compose_text = (BASE_DIR / "docker-compose.yml").read_text()
    compose_vars = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):", compose_text, re.MULTILINE))
    compose_vars -= {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "ES_JAVA_OPTS"}
    read_by_settings = _settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_TASK_ALWAYS_EAGER"} <= read_by_settings
    missing = (read_by_settings | compose_vars) - documented
    assert not missing, f"Add these to .env.example with a comment: {sorted(missing)}"


def test_wagtail_does_not_call_home_and_has_no_login_or_password_reset_of_its_own():
    """The admin dashboard does not ask wagtail.org for updates; sign-in and password resets go
    through allauth only (see tests/accounts/test_login_doors.py for the pages themselves)."""
    from django.conf import settings

    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_PASSWORD_RESET_ENABLED is False
    assert settings.WAGTAILADMIN_LOGIN_URL == settings.LOGIN_URL
    assert settings.WAGTAIL_FRONTEND_LOGIN_URL == settings.LOGIN_URL


@pytest.mark.django_db
def test_the_cms_dashboard_renders_no_update_check(client, staff_user, mfa_login):
    mfa_login(client, staff_user)
    response = client.get("/cms/")
    assert response.status_code == 200
    # Wagtail's "upgrade available" panel fetches the latest version from wagtail.org.
    assert 'data-controller="w-upgrade' not in response.content.decode()


def test_two_factor_codes_tolerate_one_step_of_drift():
    from django.conf import settings

    assert settings.MFA_TOTP_TOLERANCE == 1


@pytest.mark.parametrize(("count", "expected"), [(None, "0"), ("2", "2")])
def test_trusted_proxy_count_comes_from_the_environment(count, expected):
    env = {"DJANGO_SETTINGS_MODULE": "marketplace.settings.test"}
    if count is not None:
        env["ALLAUTH_TRUSTED_PROXY_COUNT"] = count
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_the_web_server_entry_point_freezes_what_it_loaded():
    # marketplace/wsgi.py loads every view, then freezes what is loaded, so the garbage
    # collector's full collections skip it (they paused a request for about 100 ms).
    script = (
        "import gc, sys, marketplace.wsgi; "
        "print(gc.get_freeze_count(), 'search.views' in sys.modules)"
    )
    result = run_python("-c", script, DJANGO_SETTINGS_MODULE="marketplace.settings.test")
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
