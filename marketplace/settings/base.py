"""Settings shared by every environment.

The embedded default needs no configuration at all: SQLite file, Celery eager, console email,
database search backend, ledger payments. Each real service is switched on by its environment
variable (``DATABASE_URL``, ``REDIS_URL``/``CELERY_BROKER_URL``, ``ELASTICSEARCH_URL``,
``STRIPE_*``). ``.env`` is read only when ``DJANGO_READ_DOT_ENV_FILE=true``.
"""

from pathlib import Path

import environ

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
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task write without "database is
    # locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
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
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
]
LOCAL_APPS = [
    "marketplace.core",
    "marketplace.accounts",
    "marketplace.home",
    "marketplace.notifications",
    "suppliers",
]
INSTALLED_APPS = LOCAL_APPS + THIRD_PARTY_APPS + DJANGO_APPS
SITE_ID = 1

MIDDLEWARE = [
    "marketplace.core.request_id.RequestIdMiddleware",
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
# Lockout: five failed sign-ins for one account from one address lock it for 15 minutes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE_LIMIT", default="5/15m/key,20/15m/ip"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
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

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Innovation Marketplace"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# No Gravatar: staff email hashes are not sent to a third party, and the CMS works offline.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
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
PAYMENT_PROVIDER = "stripe" if env("STRIPE_SECRET_KEY", default="") else "ledger"
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")  # e.g. http://127.0.0.1:8420 for localstripe

# Roles whose accounts must use two-factor authentication before doing anything else.
MFA_REQUIRED_ROLES = ("buyer", "commissioner")

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
