"""Settings shared by every environment.

The embedded default needs no configuration at all: SQLite file, Celery eager, console email,
database search backend, ledger payments. Each real service is switched on by its environment
variable (``DATABASE_URL``, ``REDIS_URL``/``CELERY_BROKER_URL``, ``ELASTICSEARCH_URL``,
``STRIPE_*``). ``.env`` is read only when ``DJANGO_READ_DOT_ENV_FILE=true``.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS_DIR = BASE_DIR / "marketplace"

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
USE_I18N = True
USE_TZ = True

# --- Database -----------------------------------------------------------------------------
# An empty DATABASE_URL means the embedded default too (``DATABASE_URL= make test``).
DATABASES = {
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task write without "database is
    # locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # The search entries' covering indexes (INCLUDE columns) are for PostgreSQL; SQLite builds
    # them on their key columns only, which is what it should do, so Django's warning is noise.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # PostgreSQL's JIT compiles the slower search and portfolio queries for up to a second
    # before running them in half that (measured at 100,000 suppliers); our queries are short.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Web addresses typed without a scheme are taken as https (Django 6 behaviour).
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Apps ---------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.admin",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules",  # permissions are registered explicitly in each AppConfig.ready()
    "django_filters",
    # Installed so the API docs page uses the Swagger UI files django-ninja ships, not a CDN.
    "ninja",
]
LOCAL_APPS = [
    "marketplace.core",
    "marketplace.accounts",
    "marketplace.home",
    "marketplace.notifications",
    "suppliers",
    "challenges",
    "contracts",
    "feedback",
    "search",
]
INSTALLED_APPS = LOCAL_APPS + THIRD_PARTY_APPS + DJANGO_APPS
SITE_ID = 1

MIDDLEWARE = [
    "marketplace.core.request_id.RequestIdMiddleware",
    # Before WhiteNoise, so static files, redirects and error pages carry the headers too.
    "marketplace.core.security_headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "marketplace.accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APPS_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "marketplace.core.context_processors.service",
            ],
        },
    }
]
# Project templates come first so GOV.UK widget templates replace Django's own.
FORM_RENDERER = "marketplace.core.forms.GovUKFormRenderer"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "marketplace.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "marketplace.accounts.forms.SignupForm",
    "login": "marketplace.accounts.forms.LoginForm",
    "reset_password": "marketplace.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "marketplace.accounts.forms.ResetPasswordKeyForm",
    "change_password": "marketplace.accounts.forms.ChangePasswordForm",
    "add_email": "marketplace.accounts.forms.AddEmailForm",
}
# Lockout: five failed sign-ins for one account from one address lock that account for that
# address for 15 minutes (the adapter adds the address to allauth's per-account key, so nobody
# can lock someone else out just by knowing their email); 20 from one address lock the address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE_LIMIT", default="5/15m/key,20/15m/ip"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Behind a proxy every request comes from the proxy's address: rate limits and lockout must key on
# the client's. Set one of these to how the proxy in front of the site reports it (0/empty = use
# the connecting address, right when nothing sits in between).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default=None)
# Bearer token that lets a monitor read /readyz's per-check details (empty = staff only).
READYZ_TOKEN = env("READYZ_TOKEN", default="")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Also accept the code from the 30-second window just before (and after) the current one: a code
# read near the end of its window can expire while it is typed and posted, and clocks drift.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Innovation Marketplace")
MFA_ADAPTER = "marketplace.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "marketplace.accounts.forms.AuthenticateForm",
    "reauthenticate": "marketplace.accounts.forms.ReauthenticateForm",
    "activate_totp": "marketplace.accounts.forms.ActivateTOTPForm",
}

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [APPS_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
GEO_DATA_DIR = env.path("GEO_DATA_DIR", default=str(BASE_DIR / "var" / "geo"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Uploads (marketplace/core/uploads, docs/uploads.md) -----------------------------------
# The site serves /media/ itself through marketplace.core.media (inert headers) unless this is
# false because a proxy serves it, with the same headers.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=True)
# Virus scanning with clamd, e.g. tcp://clamav:3310. Empty = the built-in scanner, which only
# refuses the EICAR test file. When set but unreachable, uploads are refused (fail closed).
CLAMAV_URL = env("CLAMAV_URL", default="")
_clamav = urlsplit(CLAMAV_URL)
CLAMAV_HOST = _clamav.hostname or ""
CLAMAV_PORT = _clamav.port or 3310
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Innovation Marketplace"
# One sign-in door (allauth's, with lockout and two-factor). Wagtail's own login and password
# reset pages are not used; marketplace/accounts/login_doors.py redirects their URLs.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No calls to wagtail.org from the admin dashboard (works offline, leaks nothing).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# CMS uploads are inert too (docs/uploads.md). Documents: only types checked by content, always
# downloaded through Wagtail's view with nosniff and a CSP, never shown inline; each is scanned
# and renamed by the form base. Images: raster formats only (no SVG), scanned, pixel-limited.
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odp", "ods", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILDOCS_DOCUMENT_FORM_BASE = "marketplace.core.uploads.wagtail_forms.CheckedDocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "marketplace.core.uploads.wagtail_forms.ScannedImageForm"
# No Gravatar: staff email hashes are not sent to a third party, and the CMS works offline.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Without a broker, tasks run inline (below). Celery still opens a producer on the in-memory
# transport when a task is queued; "localhost" is named so that kombu does not warn it had to
# guess a host.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL.startswith(("redis", "amqp"))
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}
# Challenges (challenge side): open and close challenges on time, roll open-call periods.
CELERY_BEAT_SCHEDULE["challenges-open-and-close"] = {
    "task": "challenges.tasks.open_and_close_challenges",
    "schedule": 60,
}
# Challenges (application side): 7-day and 1-day deadline reminders to suppliers with drafts.
CELERY_BEAT_SCHEDULE["challenges-deadline-reminders"] = {
    "task": "challenges.tasks.deadline_reminders_task",
    "schedule": 60 * 60,
}
# Contracts: flag overdue milestones and refresh red/amber/green once a day (at 06:00 London).
CELERY_BEAT_SCHEDULE["contracts-overdue-milestones"] = {
    "task": "contracts.tasks.flag_overdue_milestones",
    "schedule": crontab(hour=6, minute=0),
}
# Payments: retry pending payments that are due and reconcile them with the provider.
CELERY_BEAT_SCHEDULE["contracts-reconcile-payments"] = {
    "task": "contracts.payment_tasks.reconcile_payments_task",
    "schedule": 15 * 60,
}

# --- Cache --------------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Innovation Marketplace <noreply@marketplace.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Domain services ----------------------------------------------------------------------
SEARCH_BACKEND = "elasticsearch" if env("ELASTICSEARCH_URL", default="") else "database"
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
# Index names are "<prefix>-suppliers-<timestamp>" behind the alias "<prefix>-suppliers".
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="marketplace")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5)
ELASTICSEARCH_NUMBER_OF_REPLICAS = env.int("ELASTICSEARCH_NUMBER_OF_REPLICAS", default=0)
# Database search: how long a search's total and facet counts are reused (any index write
# invalidates them sooner). 0 counts on every request.
SEARCH_COUNTS_CACHE_SECONDS = env.int("SEARCH_COUNTS_CACHE_SECONDS", default=60)
# Database search on PostgreSQL: a search's facet counts read on a second connection while the
# page is read (search.backends.beside); up to SEARCH_COUNTS_HELPERS such connections per process.
SEARCH_COUNTS_BESIDE_PAGE = env.bool("SEARCH_COUNTS_BESIDE_PAGE", default=True)
SEARCH_COUNTS_HELPERS = env.int("SEARCH_COUNTS_HELPERS", default=4)
PAYMENT_PROVIDER = "stripe" if env("STRIPE_SECRET_KEY", default="") else "ledger"
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")  # e.g. http://127.0.0.1:8420 for localstripe

# Roles whose accounts must use two-factor authentication before doing anything else.
MFA_REQUIRED_ROLES = ("buyer", "commissioner")

# --- Security headers ---------------------------------------------------------------------
# Written by marketplace.core.security_headers on every response; see docs/security.md.
# Public pages run no inline script or style: GOV.UK Frontend is started from js/init.js.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# Path prefix -> directives replacing the ones above (longest prefix wins). Django's admin and
# the API docs page (Swagger UI from django-ninja's static files) need nothing extra.
CONTENT_SECURITY_POLICY_BY_PATH = {
    # Wagtail 8's admin writes inline <script> for its panels and date pickers, and the
    # accessibility checker it bundles (axe-core) adds <style> elements. It frames its own
    # previews, and image uploads show blob: previews. Staff only, second factor required.
    "/cms/": {
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-ancestors": ["'self'"],
    },
}
# Browser features nobody here needs, switched off for every page and any frame. Only features
# Chromium recognises (an unknown one, such as "bluetooth" or the retired "interest-cohort",
# makes it log an error on every page).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}
SECURITY_CONTACT_EMAIL = env("SECURITY_CONTACT_EMAIL", default="security@marketplace.localhost")

# --- Logging ------------------------------------------------------------------------------
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    # Every record carries the ID of the request being handled ("-" outside requests).
    "filters": {"request_id": {"()": "marketplace.core.request_id.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        # Wagtail's background tasks log every run at INFO; only problems are worth a line.
        "django_tasks": {"level": "WARNING"},
    },
}
