import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth keeps rate-limit (lockout) counters in the cache; start every test clean."""
    cache.clear()
    yield
    cache.clear()
