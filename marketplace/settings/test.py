"""Tests: PostgreSQL when DATABASE_URL is set (CI), SQLite otherwise; eager Celery by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Integration tests switch a real Redis broker on for themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never run collectstatic; the live server serves files from the app folders.
STATIC_ROOT = None
LOGGING = {"version": 1, "disable_existing_loggers": False}
WAGTAILADMIN_BASE_URL = "http://testserver"
TEST_REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
# Every search counts, so query-count tests see the same statements every time; the cache has
# its own tests (tests/search/test_database_backend.py), which switch it on.
SEARCH_COUNTS_CACHE_SECONDS = 0
# Counts on the request's own connection, so statement-count tests see every statement and the
# live server's searches leave no helper connections open; tests/search/test_beside.py turns it on.
SEARCH_COUNTS_BESIDE_PAGE = False
