"""Demo suppliers for local use and previews: ``seed(stdout=...)``, called by ``manage.py seed_demo``.

Forty-odd believable supplier organisations in all 12 UK regions, at real city-centre
postcodes whose location (coordinates, district, region) comes from the offline postcode
lookup. Sizes come from ``classify_size`` on realistic inputs; a mix of onboarding states
(mostly approved). Every supplier has an admin user ``<slug>@suppliers.demo.marketplace.localhost``
with the shared demo password.

Deterministic and idempotent: no randomness, every row is found by a natural key and updated,
so running it twice leaves the same rows. Seed data is written directly (not through the
onboarding services) because it describes an end state (for example "approved last spring"),
not a journey; ``full_clean()`` still runs on every profile and child row.
"""

from .seed import DEMO_PASSWORD, EMAIL_DOMAIN, seed

__all__ = ["DEMO_PASSWORD", "EMAIL_DOMAIN", "seed"]
