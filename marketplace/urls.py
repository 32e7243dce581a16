from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace.accounts import login_doors
from marketplace.api import api
from marketplace.core import media as core_media
from marketplace.core import views as core_views
from marketplace.core.security_txt import security_txt

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    # Every other login page redirects to allauth's; must come before the admin URLs.
    *login_doors.urlpatterns,
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("marketplace.accounts.urls")),
    path("", include("suppliers.urls")),
    path("", include("challenges.urls")),
    path("", include("contracts.urls")),
    path("", include("feedback.urls")),
    path("", include("search.urls")),
]

# Uploaded files, served inert (never as HTML; images inline, everything else downloaded) in
# every settings unless a proxy serves /media/ itself: see docs/uploads.md.
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", core_media.serve, name="media")
    ]

handler403 = "marketplace.core.errors_views.permission_denied"
handler404 = "marketplace.core.errors_views.page_not_found"
handler500 = "marketplace.core.errors_views.server_error"

# Wagtail's page serving catches everything else, so it goes last.
urlpatterns += [path("", include(wagtail_urls))]
