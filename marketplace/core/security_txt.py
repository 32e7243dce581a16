"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability.

Built per request so ``Expires`` (required, at most a year ahead) never goes stale and
``Canonical`` names the host the file was fetched from. The contact address comes from the
``SECURITY_CONTACT_EMAIL`` setting; see docs/security.md for how reports are handled.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

# Half a year: well inside the one-year limit the RFC recommends.
VALID_FOR = timedelta(days=182)


@require_safe
def security_txt(request):
    expires = (timezone.now() + VALID_FOR).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT_EMAIL}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
