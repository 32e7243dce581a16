import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.production")

application = get_wsgi_application()

# Load every view now, then move all that was loaded (about 200,000 objects: Django, Wagtail,
# the apps) out of the garbage collector's reach. These objects live as long as the process;
# left tracked, every full collection walks them all, a pause of about 100 ms on 2 cores that
# lands on whichever request happens to trigger it (seen as the p95 of `make bench-search`).
# Before gunicorn forks its workers, this also keeps the shared memory pages shared.
get_resolver().url_patterns  # noqa: B018 - imports the URL conf and its views
gc.freeze()
