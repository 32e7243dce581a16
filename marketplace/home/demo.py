"""Site settings, the home page's steps and the starter guidance pages, for ``manage.py seed_demo``.

Idempotent: pages are found by slug and only what is missing is written. Registered as a
``DemoSeeder`` in ``HomeConfig.ready()``.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from wagtail.models import Site

from .content import GUIDANCE_INDEX, GUIDANCE_PAGES, HOW_IT_WORKS
from .models import GuidanceIndexPage, GuidancePage, HomePage, SiteSettings

SERVICE_NAME = "Innovation Marketplace"
CONTACT_EMAIL = "support@marketplace.localhost"


def _write(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _default_site() -> Site:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise RuntimeError("No default Wagtail site: run `manage.py migrate` first.")
    return site


def _publish(page) -> None:
    revision = page.save_revision()
    revision.publish()


@transaction.atomic
def seed_content(stdout: TextIO | None = None) -> GuidanceIndexPage:
    """Site settings, the home page's steps, /guidance/ and the starter guidance pages."""
    site = _default_site()

    site_settings = SiteSettings.for_site(site)
    if (site_settings.service_name, site_settings.contact_email) != (SERVICE_NAME, CONTACT_EMAIL):
        site_settings.service_name = SERVICE_NAME
        site_settings.contact_email = CONTACT_EMAIL
        site_settings.save()

    home = site.root_page.specific
    if not isinstance(home, HomePage):
        raise RuntimeError("The default site's root page is not the home page.")
    if not home.how_it_works:
        home.how_it_works = HOW_IT_WORKS
        _publish(home)
        _write(stdout, "Added the 'How it works' steps to the home page")

    index = GuidanceIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=GuidanceIndexPage(
                title=GUIDANCE_INDEX["title"],
                slug=GUIDANCE_INDEX["slug"],
                intro=GUIDANCE_INDEX["intro"],
            )
        )
        _publish(index)
        _write(stdout, "Created the guidance section at /guidance/")

    existing = set(GuidancePage.objects.child_of(index).values_list("slug", flat=True))
    for spec in GUIDANCE_PAGES:
        if spec["slug"] in existing:
            continue
        page = index.add_child(
            instance=GuidancePage(
                title=spec["title"],
                slug=spec["slug"],
                summary=spec["summary"],
                audience=spec["audience"],
                body=spec["body"],
            )
        )
        _publish(page)
        _write(stdout, f"Created guidance page '{spec['title']}'")
    return index
