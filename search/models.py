"""The database backend's index: one narrow, denormalised row per searchable object.

``SupplierEntry`` and ``ChallengeEntry`` hold only what a query filters, sorts or counts by, so
a search pages ids over these rows and never reads the wide source rows (the page loads them
after, for the ids it shows). A supplier's capabilities (with their headings) and certificates
are JSON objects on its entry, so a filter or a facet over them reads only the entry row (one
scan counts every facet at once); regions served remotely and a challenge's capabilities and
buyers are rows of ``*Term``.

Only approved suppliers and public challenges have an entry. Rows are written by
``search.indexing`` from ``search.documents`` (the same documents Elasticsearch indexes), never
edited by hand. Text is kept twice, for the two databases: ``vector`` (a weighted tsvector,
GIN-indexed, PostgreSQL) or ``tokens_a`` ... ``tokens_d`` (the same lexemes as plain text, one
column per weight, SQLite).
"""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from challenges.models import Challenge
from suppliers.models import SupplierProfile


class TermKind(models.TextChoices):
    # Challenges only (a supplier's are on its entry).
    CAPABILITY = "capability", "Capability or one of its headings"
    CAPABILITY_TOP = "capability_top", "Capability heading"
    REMOTE_REGION = "remote_region", "Region served remotely"
    BUYER = "buyer", "Buyer or co-funder"


class IndexedText(models.Model):
    vector = SearchVectorField(null=True)
    tokens_a = models.TextField(blank=True, default="")
    tokens_b = models.TextField(blank=True, default="")
    tokens_c = models.TextField(blank=True, default="")
    tokens_d = models.TextField(blank=True, default="")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SupplierEntry(IndexedText):
    # PostgreSQL: the table's columns are in the order migration search/0013 set (those a text
    # search reads first), whatever the order of the fields here.
    supplier = models.OneToOneField(
        SupplierProfile,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
        # No database constraint: a delete cascading through the source's children may rewrite
        # the entry before the source row goes; the source's own post_delete then removes it.
        db_constraint=False,
    )
    sort_name = models.CharField(max_length=200)
    size_band = models.CharField(max_length=10, blank=True)
    is_sme = models.BooleanField(null=True)
    is_vcse = models.BooleanField(default=False)
    region = models.CharField(max_length=3, blank=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    # The same point on the unit sphere (``search.geo.unit_vector``): "within r miles" tests
    # a dot product, not the trigonometry of the distance.
    unit_x = models.FloatField(null=True)
    unit_y = models.FloatField(null=True)
    unit_z = models.FloatField(null=True)
    rating_average = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    new_to_public_sector = models.BooleanField(default=False)
    # Every capability offered, with its headings, as {slug: 1}: "any of these" is one test of
    # the row on both databases (PostgreSQL: the ``?|`` operator on a GIN index).
    capabilities = models.JSONField(default=dict)
    # The latest expiry of each certification scheme held, as {scheme: date.toordinal()}.
    # "In date" is asked at query time, so an expiry takes effect without reindexing.
    certified_until = models.JSONField(default=dict)
    # The same certificates in two integers, so that counting them per scheme tests integers,
    # not JSON: the schemes held (``CERTIFICATE_BITS``), and the earliest of their expiries
    # (``date.toordinal()``; null when none is held). On a day up to that one, every scheme held
    # is in date; after it, ``certified_until`` says which still are.
    certificate_bits = models.PositiveIntegerField(default=0)
    certificates_all_in_date_until = models.IntegerField(null=True)
    # The entry's value of every facet but certification, as the codes of two facet keys
    # (``supplier_facet_key``, ``split_facet_key``: "name:value" words; ``SupplierFacetKey``
    # keeps the words of each code): size band, region and VCSE status (about 100 distinct
    # keys), and the capability headings (one key per set of headings held). Facet counts
    # group the matching entries by each, so each entry is counted once, whatever the number
    # of facet values, and a search adds up a few hundred groups. Integers, not the words:
    # grouping 60,000 rows by 8-byte integers takes a third of the time that grouping them by
    # 100 bytes of text did, and the row is 80 bytes narrower.
    facet_code = models.BigIntegerField(default=0)
    capability_code = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "supplier entries"
        indexes = [
            # Covering indexes (PostgreSQL: other databases index the fields only). A search
            # near a place with the usual filters counts, sorts and counts facets of its
            # matches from the index alone, without visiting the table's rows, which are
            # wide (the text vector) and in no spatial order.
            models.Index(
                fields=["latitude", "longitude"],
                include=[
                    "supplier",
                    "is_sme",
                    "size_band",
                    "is_vcse",
                    "region",
                    "rating_average",
                    "rating_count",
                    "new_to_public_sector",
                    "facet_code",
                    "capability_code",
                    "certified_until",
                    "certificate_bits",
                    "certificates_all_in_date_until",
                    "unit_x",
                    "unit_y",
                    "unit_z",
                ],
                name="search_supplier_near",
            ),
            # The same without the facet columns, a third of its size: a search near a place
            # without facets (or SMEs only) counts and sorts its matches from this one.
            models.Index(
                fields=["latitude", "longitude"],
                include=["supplier", "is_sme", "unit_x", "unit_y", "unit_z"],
                name="search_supplier_point",
            ),
            # The directory with no filter, or SMEs only, counts its facets in key order from
            # this index alone.
            models.Index(
                fields=["facet_code", "capability_code"],
                include=[
                    "certified_until",
                    "certificate_bits",
                    "certificates_all_in_date_until",
                    "is_sme",
                ],
                name="search_supplier_facets",
            ),
            models.Index(fields=["sort_name", "supplier"], name="search_supplier_name"),
            models.Index(fields=["rating_average"], name="search_supplier_rating"),
            models.Index(fields=["region"], name="search_supplier_region"),
            models.Index(fields=["size_band"], name="search_supplier_size"),
        ]

    def __str__(self) -> str:
        return self.sort_name


def supplier_facet_key(*, size_band: str, region: str, is_vcse: bool, capability_top) -> str:
    """ "size_band:small region:TLE vcse:false capability:data-and-ai ...": a supplier's
    values of the keyed facets, in a fixed order (values are codes and slugs, without spaces).
    An empty value is left out, as a terms aggregation leaves out a missing field."""
    pairs = [("size_band", size_band), ("region", region), ("vcse", "true" if is_vcse else "false")]
    pairs += [("capability", slug) for slug in sorted(capability_top)]
    return " ".join(f"{name}:{value}" for name, value in pairs if value)


# The bit of each certification scheme in ``SupplierEntry.certificate_bits``. A bit keeps its
# scheme for as long as entries are written with it: a new scheme takes a new bit (and a
# migration fills it in), a retired scheme's bit is not reused.
CERTIFICATE_BITS = {
    "cyber_essentials": 1 << 0,
    "cyber_essentials_plus": 1 << 1,
    "iso_27001": 1 << 2,
    "iso_9001": 1 << 3,
    "iso_14001": 1 << 4,
    "other": 1 << 5,
}


def certificate_columns(certified_until: dict[str, int]) -> tuple[int, int | None]:
    """(certificate_bits, certificates_all_in_date_until) for an entry's ``certified_until``."""
    bits = 0
    for scheme in certified_until:
        bits |= CERTIFICATE_BITS[scheme]
    return bits, min(certified_until.values(), default=None)


def split_facet_key(key: str) -> tuple[str, str]:
    """A ``supplier_facet_key`` as the two keys an entry's codes stand for: its size band,
    region and VCSE words, and its capability words."""
    words = key.split()
    capabilities = [word for word in words if word.startswith("capability:")]
    others = [word for word in words if not word.startswith("capability:")]
    return " ".join(others), " ".join(capabilities)


def supplier_facet_code(key: str) -> int:
    """The code of a facet key (``split_facet_key``): its first 8 bytes of BLAKE2b, as a signed 64-bit
    integer (both databases' bigint). The same key always has the same code, so the indexer
    needs no lookup to write it. Two of a million distinct keys would share a code with a
    chance of about 3 in 100 million; there are a few thousand."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def supplier_facet_words(key: str) -> tuple[str, ...]:
    """The words of a ``supplier_facet_key``, "size_band:small" ... Counts are added up per
    word (a string is the cheapest dictionary key), then each word is read once with
    ``supplier_facet_value``."""
    return tuple(key.split())


def supplier_facet_value(word: str) -> tuple[str, str]:
    """("size_band", "small") for "size_band:small"."""
    name, _, value = word.partition(":")
    return name, value


class SupplierFacetKey(models.Model):
    """The words of each code written to ``SupplierEntry.facet_code`` and ``capability_code``
    (one table: both are codes of facet keys). Rows are added by
    ``search.indexing`` and never removed (a key no entry has any more costs one small row);
    the backend reads each code's words once per process."""

    code = models.BigIntegerField(primary_key=True)
    key = models.TextField()

    def __str__(self) -> str:
        return self.key


class SupplierTerm(models.Model):
    entry = models.ForeignKey(SupplierEntry, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=20, choices=TermKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value", "entry"], name="search_supplier_term_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class ChallengeEntry(IndexedText):
    challenge = models.OneToOneField(
        Challenge,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
        # No database constraint: a delete cascading through the source's children may rewrite
        # the entry before the source row goes; the source's own post_delete then removes it.
        db_constraint=False,
    )
    sort_title = models.CharField(max_length=150)
    status = models.CharField(max_length=20)
    procedure = models.CharField(max_length=30)
    mode = models.CharField(max_length=20)
    region = models.CharField(max_length=3, blank=True)
    uk_wide = models.BooleanField(default=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    unit_x = models.FloatField(null=True)  # as on SupplierEntry
    unit_y = models.FloatField(null=True)
    unit_z = models.FloatField(null=True)
    budget_pence = models.BigIntegerField(default=0)
    closes_at = models.DateTimeField(null=True)
    published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name_plural = "challenge entries"
        indexes = [
            models.Index(fields=["status", "closes_at"], name="search_challenge_status"),
            models.Index(fields=["latitude", "longitude"], name="search_challenge_latlon"),
            models.Index(fields=["budget_pence"], name="search_challenge_budget"),
            models.Index(fields=["published_at"], name="search_challenge_published"),
        ]

    def __str__(self) -> str:
        return self.sort_title


class ChallengeTerm(models.Model):
    entry = models.ForeignKey(ChallengeEntry, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=20, choices=TermKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value", "entry"], name="search_challenge_term_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class SearchAlert(models.Model):
    """A challenge search a signed-in user asked to be emailed about: when a challenge opens
    for applications and this search finds it, they are told once (``SearchAlertSent``).

    ``query`` is the search page's query string without page and sort (``search.alerts``), so
    the search is run exactly as the page runs it, with the filters as they mean on that day
    ("closing in the next 14 days" moves with the date)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="search_alerts"
    )
    query = models.CharField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="search_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ?{self.query}"


class SearchAlertSent(models.Model):
    """One email about one challenge for one alert: the unique pair makes a rerun (a retried
    task, a challenge reopened) tell nobody twice."""

    alert = models.ForeignKey(SearchAlert, on_delete=models.CASCADE, related_name="sent")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "challenge"], name="search_alert_sent_unique")
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id}: challenge {self.challenge_id}"
