"""Search benchmark: 100,000 approved suppliers and 10,000 challenges on PostgreSQL, a fixed
query mix through ``search.run``, beside two baselines measured in the same run on the same
data: a naive ORM implementation (``icontains`` + distance computed in Python over all rows)
and Wagtail's database search backend (text only).

Usage: .venv/bin/python bench/search_bench.py [--database-url URL] [--suppliers 100000]
       [--challenges 10000] [--repeat 40] [--regenerate] [--skip-wagtail]

The database (default postgres://postgres@127.0.0.1:5432/mk_bench) is created and migrated if
missing. Suppliers get real UK postcodes drawn uniformly from the ONS postcode units in the
offline lookup (``marketplace.core.geo``): a postcode unit holds about 15 addresses wherever it
is, so picking units at random spreads suppliers like the population. Rows are written with
``bulk_create`` in batches (no signals), then indexed once with ``search.indexing.reindex_all``
(timed), then VACUUM ANALYZE. An existing data set of the right size is reused.

The process starts as the web server does (``marketplace/wsgi.py``: what it loaded is frozen out
of the garbage collector's full collections). Times are server-side, in-process (the query and, for pages and the API, rendering and
serialisation), in milliseconds. QPS is sequential (one client) for that query type. Every query
is counted afresh (the test settings switch the counts cache off), except the one row marked
"counts cached". Facet counts run beside the page on a helper's connection, as the site runs
by default (``search.backends.beside``); two rows time the broad text searches without.
``--reindex`` times a full reindex of the data set even when it is reused.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mk_bench"
BATCH = 5_000

WORDS = [
    "data",
    "analytics",
    "sensors",
    "sensor",
    "network",
    "digital",
    "transformation",
    "cloud",
    "platform",
    "machine",
    "learning",
    "artificial",
    "intelligence",
    "cyber",
    "security",
    "transport",
    "logistics",
    "health",
    "care",
    "social",
    "housing",
    "energy",
    "retrofit",
    "heat",
    "pumps",
    "solar",
    "water",
    "flooding",
    "drainage",
    "air",
    "quality",
    "monitoring",
    "mobile",
    "apps",
    "accessibility",
    "design",
    "research",
    "training",
    "education",
    "waste",
    "recycling",
    "robotics",
    "drones",
    "mapping",
    "GIS",
    "open",
    "source",
    "software",
    "engineering",
    "consultancy",
    "telecare",
    "falls",
    "prevention",
    "LoRaWAN",
    "internet",
    "things",
    "smart",
    "buildings",
    "traffic",
    "parking",
    "payments",
    "identity",
    "records",
]  # noqa: SIM905
NAME_PARTS = [
    "Bay",
    "Northern",
    "Green",
    "Bright",
    "Clear",
    "Open",
    "Blue",
    "River",
    "Bridge",
    "Harbour",
    "Valley",
    "Peak",
    "Civic",
    "Urban",
    "Rural",
    "Coastal",
    "Summit",
    "Beacon",
    "Thistle",
    "Dragon",
    "Rose",
    "Oak",
    "Cedar",
    "Granite",
    "Iron",
    "Copper",
    "Silver",
]  # noqa: SIM905
NAME_NOUNS = [
    "Digital",
    "Data",
    "Sensors",
    "Analytics",
    "Labs",
    "Systems",
    "Solutions",
    "Works",
    "Technologies",
    "Networks",
    "Innovations",
    "Consulting",
    "Robotics",
    "Energy",
    "Health",
    "Mobility",
    "Software",
    "Insight",
    "Design",
]  # noqa: SIM905
SUFFIXES = ("Ltd", "Limited", "Cyf", "CIC", "LLP", "Plc")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.test")
    _create_database(database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    # As the site runs by default: facet counts on a helper's connection beside the page (the
    # test settings turn that off). The broad text searches are also timed without it.
    settings.SEARCH_COUNTS_BESIDE_PAGE = True
    call_command("migrate", verbosity=0, interactive=False)


def _create_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


# --- Data --------------------------------------------------------------------------------------


def _sample_postcodes(rng: random.Random, n: int) -> list[tuple]:
    """n real postcodes: (postcode, lat, lon, district) drawn uniformly from postcode units."""
    from marketplace.core import geo
    from marketplace.core.geo.builder import _RECORD, RECORD_SIZE, SCALE

    store = geo._get_store()
    out = []
    for index in (rng.randrange(store.count) for _ in range(n)):
        key, lat, lon, d = _RECORD.unpack_from(store.mm, index * RECORD_SIZE)
        squashed = key.decode("ascii").strip()
        postcode = f"{squashed[:-3]} {squashed[-3:]}"
        out.append((postcode, lat / SCALE, lon / SCALE, store.districts[d]))
    return out


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(n_suppliers: int, n_challenges: int, seed: int) -> None:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from challenges.models import Challenge, Phase
    from marketplace.accounts.models import Organisation
    from suppliers.models import Capability, CaseStudy, Certification, SupplierProfile

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE search_supplierentry, search_challengeentry, suppliers_supplierprofile, "
            "challenges_challenge, accounts_organisation RESTART IDENTITY CASCADE"
        )
    leaves = list(Capability.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    now = timezone.now()
    today = timezone.localdate()
    places = _sample_postcodes(rng, n_suppliers + n_challenges)
    sizes = ["micro"] * 55 + ["small"] * 25 + ["medium"] * 12 + ["large"] * 8

    for start in range(0, n_suppliers, BATCH):
        stop = min(start + BATCH, n_suppliers)
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench supplier {i}", slug=f"bench-supplier-{i}", kind="supplier"
                )
                for i in range(start, stop)
            ]
        )
        profiles = []
        for i, org in zip(range(start, stop), orgs, strict=True):
            postcode, lat, lon, district = places[i]
            size = rng.choice(sizes)
            name = (
                f"{district.name.split(',')[0]} {rng.choice(NAME_PARTS)} "
                f"{rng.choice(NAME_NOUNS)} {rng.choice(SUFFIXES)}"
            )
            profiles.append(
                SupplierProfile(
                    organisation=org,
                    slug=f"bench-{i}",
                    legal_name=name,
                    trading_name="" if rng.random() < 0.7 else name.rsplit(" ", 1)[0],
                    summary=_sentence(rng, 12) + " " + _sentence(rng, 10),
                    status="approved",
                    approved_at=now,
                    size_band=size,
                    is_sme=size != "large",
                    is_vcse=rng.random() < 0.08,
                    postcode=postcode,
                    latitude=lat,
                    longitude=lon,
                    district_code=district.code,
                    district_name=district.name,
                    region_id=district.region_code,
                    serves_whole_uk=rng.random() < 0.3,
                    remote_delivery=rng.random() < 0.5,
                    has_public_sector_experience=rng.random() < 0.6,
                )
            )
        profiles = SupplierProfile.objects.bulk_create(profiles)
        Through = SupplierProfile.capabilities.through
        Through.objects.bulk_create(
            [
                Through(supplierprofile_id=p.pk, capability_id=c)
                for p in profiles
                for c in rng.sample(leaves, rng.randint(1, 4))
            ]
        )
        Served = SupplierProfile.regions_served.through
        Served.objects.bulk_create(
            [
                Served(supplierprofile_id=p.pk, region_id=p.region_id)
                for p in profiles
                if not p.serves_whole_uk
            ]
        )
        Certification.objects.bulk_create(
            [
                Certification(
                    profile_id=p.pk,
                    scheme=rng.choice(["cyber_essentials", "iso_27001", "iso_9001"]),
                    expires_on=today + datetime.timedelta(days=rng.randint(-200, 700)),
                )
                for p in profiles
                if rng.random() < 0.35
            ]
        )
        CaseStudy.objects.bulk_create(
            [
                CaseStudy(
                    profile_id=p.pk,
                    title=_sentence(rng, 4),
                    buyer_name="A council",
                    challenge=_sentence(rng, 10),
                    outcome=_sentence(rng, 8),
                    is_public_sector=rng.random() < 0.5,
                )
                for p in profiles
                if rng.random() < 0.3
            ]
        )
        print(f"\r  suppliers {stop:,}/{n_suppliers:,}", end="", flush=True)
    print(f"  ({time.perf_counter() - started:.0f} s)")

    buyers = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench council {i}", slug=f"bench-council-{i}", kind="buyer")
            for i in range(200)
        ]
    )
    statuses = ["open"] * 40 + ["closed"] * 20 + ["decided"] * 20 + ["scheduled"] * 10
    statuses += ["assessing"] * 5 + ["complete"] * 5
    procedures = [p for p, _ in Challenge.Procedure.choices]
    challenges = []
    for i in range(n_challenges):
        postcode, lat, lon, district = places[n_suppliers + i]
        uk_wide = rng.random() < 0.4
        challenges.append(
            Challenge(
                slug=f"bench-challenge-{i}",
                title=_sentence(rng, 6)[:-1],
                summary=_sentence(rng, 15),
                problem_statement=_sentence(rng, 40),
                outcomes_sought=_sentence(rng, 20),
                buyer=rng.choice(buyers),
                contact_name="Sam",
                contact_email="sam@example.gov.uk",
                budget_pence=rng.randint(2, 200) * 5_000_000,
                status=rng.choice(statuses),
                procedure=rng.choice(procedures),
                mode="open_call" if rng.random() < 0.2 else "competition",
                uk_wide=uk_wide,
                place_name="" if uk_wide else district.name,
                place_postcode="" if uk_wide else postcode,
                latitude=None if uk_wide else lat,
                longitude=None if uk_wide else lon,
                region_id=None if uk_wide else district.region_code,
                opened_at=now - datetime.timedelta(days=rng.randint(1, 300)),
            )
        )
    challenges = Challenge.objects.bulk_create(challenges, batch_size=BATCH)
    Phase.objects.bulk_create(
        [
            Phase(
                challenge_id=c.pk,
                number=1,
                name="Feasibility",
                budget_per_contract_pence=c.budget_pence // 4,
                max_contracts=4,
                envelope_pence=(c.budget_pence // 4) * 4,
                duration_weeks=12,
                opens_at=now - datetime.timedelta(days=200),
                closes_at=None
                if c.mode == "open_call"
                else now + datetime.timedelta(days=rng.randint(-100, 120)),
            )
            for c in challenges
        ],
        batch_size=BATCH,
    )
    ChallengeCaps = Challenge.capabilities.through
    ChallengeCaps.objects.bulk_create(
        [
            ChallengeCaps(challenge_id=c.pk, capability_id=cap)
            for c in challenges
            for cap in rng.sample(leaves, rng.randint(1, 3))
        ],
        batch_size=BATCH,
    )
    print(f"  generated in {time.perf_counter() - started:.0f} s")


def reindex() -> float:
    from search.indexing import reindex_all

    started = time.perf_counter()

    def progress(done, total):
        print(f"\r  indexed {done:,}/{total:,}", end="", flush=True)

    counts = reindex_all(progress=progress)
    seconds = time.perf_counter() - started
    print(f"  {counts} in {seconds:.1f} s")
    return seconds


def vacuum() -> None:
    """After a bulk load or a full reindex (which rewrites every entry, leaving the old rows
    dead): compact the search tables, as a site would after its first load, then ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("search_supplierentry", "search_supplierterm", "search_challengeentry"):
            cursor.execute(f"VACUUM FULL {table}")
        cursor.execute("VACUUM ANALYZE")


# --- Queries -----------------------------------------------------------------------------------


def _time(func, inputs) -> list[float]:
    clock = time.perf_counter
    out = []
    for item in inputs:
        started = clock()
        func(item)
        out.append((clock() - started) * 1000)
    return out


ROWS: list[tuple[str, list[float]]] = []


def _row(label: str, timings: list[float]) -> None:
    ROWS.append((label, timings))
    total_s = sum(timings) / 1000
    print(
        f"{label:<52} n={len(timings):>4}  p50 {_percentile(timings, 50):8.1f}  "
        f"p95 {_percentile(timings, 95):8.1f}  max {max(timings):8.1f}  "
        f"QPS {len(timings) / total_s:7.1f}",
        flush=True,
    )


def run_mix(repeat: int, seed: int, skip_wagtail: bool) -> None:
    from django.db.models import Q
    from django.test import Client

    from search import SUPPLIER_FACETS, SearchQuery, run
    from search.forms import SupplierSearchForm
    from search.places import resolve
    from search.results import supplier_rows
    from suppliers.models import Capability, SupplierProfile

    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, not secrets
    towns = ["LS1 4AP", "M1 1AE", "B1 1BB", "CF10 1EP", "EH1 1YZ", "BS1 4DJ", "NE1 7RU"]
    towns += ["SW1A 2AA", "G1 1XQ", "BT1 5GS", "NR1 3QU", "EX1 1JG", "PL1 2AA", "IV1 1EU"]
    points = [resolve(t) for t in towns]
    words = [w.lower() for w in WORDS]
    regions = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM"]
    headings = list(Capability.objects.filter(parent__isnull=True).values_list("slug", flat=True))
    form = SupplierSearchForm(None)

    def s(**kw):
        return SearchQuery(index="suppliers", **kw)

    def texts(n, k=1):
        return [" ".join(rng.sample(words, k)) for _ in range(n)]

    print(f"\n{'query type (ms)':<52} {'':>6}  {'p50':>12}  {'p95':>12}  {'max':>12}")
    mix = {
        "suppliers: text only": [s(text=t) for t in texts(repeat)],
        "suppliers: text, 2 words": [s(text=t) for t in texts(repeat, 2)],
        "suppliers: text + SME + region": [
            s(text=t, filters={"sme": True, "region": (rng.choice(regions),)})
            for t in texts(repeat)
        ],
        # The page and the API always ask for every facet: this is what a text search costs there.
        "suppliers: text + facets (page and API)": [
            s(text=t, facets=SUPPLIER_FACETS) for t in texts(repeat)
        ],
        "suppliers: text, 2 words + facets": [
            s(text=t, facets=SUPPLIER_FACETS) for t in texts(repeat, 2)
        ],
        "suppliers: text with no match": [s(text=f"zzq{n}xx") for n in range(repeat)],
        "suppliers: capability subtree": [
            s(filters={"capability": form.capabilities.expand([rng.choice(headings)])})
            for _ in range(repeat)
        ],
        "suppliers: certification in date": [
            s(filters={"certification": ("cyber_essentials",)}) for _ in range(repeat)
        ],
        "suppliers: browse page 1 (by name)": [s(sort="name") for _ in range(repeat)],
        "suppliers: deep page 499 (offset 9,960)": [
            s(sort="name", page=499) for _ in range(repeat)
        ],
    }
    for miles in (10, 25, 50):
        mix[f"suppliers: geo {miles} mi + SME + facets, by distance"] = [
            s(
                near=rng.choice(points),
                radius_miles=miles,
                filters={"sme": True},
                facets=SUPPLIER_FACETS,
                sort="distance",
            )
            for _ in range(repeat)
        ]
    # What the naive baseline answers (no facets), for a like-for-like comparison.
    for miles in (10, 25, 50):
        mix[f"suppliers: geo {miles} mi + SME, no facets"] = [
            s(near=rng.choice(points), radius_miles=miles, filters={"sme": True}, sort="distance")
            for _ in range(repeat)
        ]
    mix["suppliers: geo 25 mi + text + cert + facets"] = [
        s(
            text=rng.choice(words),
            near=rng.choice(points),
            radius_miles=25,
            filters={"certification": ("cyber_essentials",)},
            facets=SUPPLIER_FACETS,
        )
        for _ in range(repeat)
    ]
    mix["suppliers: all facets, no filter"] = [s(facets=SUPPLIER_FACETS) for _ in range(repeat)]
    mix["suppliers: SMEs only + facets"] = [
        s(filters={"sme": True}, facets=SUPPLIER_FACETS) for _ in range(repeat)
    ]
    mix["challenges: open, region + budget + facets"] = [
        SearchQuery(
            index="challenges",
            filters={
                "status": ("open",),
                "region": (rng.choice(regions),),
                "budget_min": 10_000_000,
                "budget_max": 500_000_000,
            },
            facets=("status", "procedure", "capability", "region"),
            sort="closing",
        )
        for _ in range(repeat)
    ]
    mix["challenges: text + open + closing before"] = [
        SearchQuery(
            index="challenges",
            text=rng.choice(words),
            filters={"status": ("open",), "closing_before": _in_days(60)},
        )
        for _ in range(repeat)
    ]
    mix["challenges: near 25 mi, any status"] = [
        SearchQuery(index="challenges", near=rng.choice(points), radius_miles=25, sort="closing")
        for _ in range(repeat)
    ]
    for label, queries in mix.items():
        run(queries[0])  # warm
        _row(label, _time(run, queries))
    from django.test import override_settings

    with override_settings(SEARCH_COUNTS_BESIDE_PAGE=False):
        for label in (
            "suppliers: text + facets (page and API)",
            "suppliers: text, 2 words + facets",
        ):
            _row(f"{label[11:]}, one connection", _time(run, mix[label]))
    # Everything above counted on every query (the test settings switch the counts cache off).
    # The directory's landing page with the cache on, as the site runs by default:
    with override_settings(SEARCH_COUNTS_CACHE_SECONDS=60):
        landing = [s(facets=SUPPLIER_FACETS) for _ in range(repeat)]
        run(landing[0])
        _row("suppliers: all facets, no filter (counts cached)", _time(run, landing))

    # --- Naive ORM baseline: icontains + Python haversine over every row ---
    from marketplace.core.geo import haversine_miles

    approved = SupplierProfile.objects.filter(status="approved")
    naive_n = max(5, repeat // 4)

    def naive_text(text):
        qs = approved.filter(
            Q(legal_name__icontains=text)
            | Q(trading_name__icontains=text)
            | Q(summary__icontains=text)
        ).order_by("legal_name", "pk")
        qs.count()
        list(qs.values("pk")[:20])

    def naive_geo(args):
        point, miles = args
        rows = approved.filter(is_sme=True).values_list("pk", "latitude", "longitude")
        found = []
        for pk, lat, lon in rows.iterator(chunk_size=10_000):
            if lat is None:
                continue
            d = haversine_miles(point.latitude, point.longitude, lat, lon)
            if d <= miles:
                found.append((d, pk))
        found.sort()
        return len(found), found[:20]

    print("\nBaselines (same data, same run)")
    _row("naive ORM: text only (icontains, count + page)", _time(naive_text, texts(naive_n)))
    for miles in (10, 25, 50):
        _row(
            f"naive ORM: geo {miles} mi + SME (Python haversine)",
            _time(naive_geo, [(rng.choice(points), miles) for _ in range(naive_n)]),
        )
    timings = dict(ROWS)
    print("\nGeo speed-up over the naive baseline (same query: radius + SME, no facets)")
    for miles in (10, 25, 50):
        ours = timings[f"suppliers: geo {miles} mi + SME, no facets"]
        naive = timings[f"naive ORM: geo {miles} mi + SME (Python haversine)"]
        print(
            f"geo {miles} mi: p50 {_percentile(naive, 50) / _percentile(ours, 50):5.1f}x  "
            f"p95 {_percentile(naive, 95) / _percentile(ours, 95):5.1f}x"
        )

    # --- API page of 20 vs a plain values() query of the same rows ---
    from django.test import RequestFactory

    request = RequestFactory().get("/api/v1/search/suppliers")
    results = [run(s(text=t)) for t in texts(repeat)]
    results = [r for r in results if len(r.hits) == 20] or [run(s(sort="name"))]
    fields = ("pk", "slug", "legal_name", "trading_name", "summary", "is_sme", "size_band")
    supplier_rows(results[0], request=request)  # warm: the URL resolver loads on first use
    print("\nAPI serialisation of a page of 20 (rows loaded by id)")
    _row(
        "API rows: load + serialise 20 (search.results)",
        _time(lambda r: supplier_rows(r, request=request), results),
    )
    _row(
        "plain values() of the same 20 rows",
        _time(
            lambda r: list(SupplierProfile.objects.filter(pk__in=r.ids).values(*fields)), results
        ),
    )
    client = Client()
    print("\nWhole requests in-process (search + load + render/serialise)")
    urls = {
        "API /api/v1/search/suppliers?q=<word>": [
            f"/api/v1/search/suppliers?q={w}" for w in texts(repeat)
        ],
        "API near=LS1 4AP&radius_miles=25&sme=true": [
            "/api/v1/search/suppliers?near=LS1+4AP&radius_miles=25&sme=true"
        ]
        * repeat,
        "page /suppliers/ (page 1)": ["/suppliers/"] * repeat,
        "page /suppliers/?near=LS1 4AP&radius_miles=25&sme=true": [
            "/suppliers/?near=LS1+4AP&radius_miles=25&sme=true"
        ]
        * repeat,
        "page /suppliers/?page=499": ["/suppliers/?page=499"] * repeat,
        "page /challenges/ (open)": ["/challenges/"] * repeat,
    }
    for label, paths in urls.items():
        response = client.get(paths[0])
        if response.status_code != 200:
            print(f"{label:<52} HTTP {response.status_code}: skipped")
            continue
        _row(label, _time(client.get, paths))
    print("\nThe same requests with the counts cache on, as the site runs by default")
    with override_settings(SEARCH_COUNTS_CACHE_SECONDS=60):
        for label, paths in urls.items():
            client.get(paths[0])
            _row(f"{label} (cached counts)"[:52], _time(client.get, paths))
    if not skip_wagtail:
        print("\nBaseline: Wagtail's database search backend (same suppliers, same run)")
        _wagtail_baseline(texts(repeat), rng)


def _in_days(days: int):
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


def _wagtail_baseline(texts: list[str], rng: random.Random) -> None:
    """Wagtail's database backend (PostgreSQL full text) over the same suppliers' name and
    summary. SupplierProfile is not ``Indexed``, so a proxy model adds the Indexed mixin with
    the same text fields; it has no table of its own, and Wagtail's index entries are written
    for it with the backend's own bulk indexer."""
    from django.db import connection
    from wagtail.search import index
    from wagtail.search.backends import get_search_backend

    from suppliers.models import SupplierProfile

    class WagtailSupplier(index.Indexed, SupplierProfile):
        search_fields = [
            index.SearchField("legal_name"),
            index.SearchField("trading_name"),
            index.SearchField("summary"),
            index.FilterField("status"),
        ]

        class Meta:
            proxy = True
            app_label = "suppliers"

    from modelsearch.abstract_models import TextIDGenericRelation
    from wagtail.search.models import IndexEntry

    # What modelsearch does for every Indexed model at start-up.
    TextIDGenericRelation(IndexEntry).contribute_to_class(WagtailSupplier, "index_entries")
    backend = get_search_backend("default")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM wagtailsearch_indexentry")
        have = cursor.fetchone()[0]
    total = SupplierProfile.objects.filter(status="approved").count()
    if have < total:
        started = time.perf_counter()
        index_obj = backend.get_index_for_model(WagtailSupplier)
        qs = WagtailSupplier.objects.filter(status="approved").order_by("pk")
        ids = list(qs.values_list("pk", flat=True))
        for start in range(0, len(ids), 2_000):
            chunk = list(WagtailSupplier.objects.filter(pk__in=ids[start : start + 2_000]))
            index_obj.add_items(WagtailSupplier, chunk)
            print(f"\r  wagtail indexed {start + len(chunk):,}/{total:,}", end="", flush=True)
        print(f"  in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE wagtailsearch_indexentry")
    base = WagtailSupplier.objects.filter(status="approved")

    def wagtail_text(text):
        results = backend.search(text, base, operator="and")
        results.count()
        list(results[:20])

    wagtail_text(texts[0])
    _row("Wagtail database backend: text only (count + page)", _time(wagtail_text, texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-wagtail", action="store_true")
    parser.add_argument(
        "--reindex", action="store_true", help="Time a full reindex even if the data is reused"
    )
    args = parser.parse_args()

    _setup(args.database_url)
    from django.db import connection

    from search.models import SupplierEntry
    from suppliers.models import SupplierProfile

    have = SupplierProfile.objects.filter(status="approved").count()
    if args.regenerate or have != args.suppliers:
        print(f"Generating {args.suppliers:,} suppliers and {args.challenges:,} challenges")
        generate(args.suppliers, args.challenges, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM wagtailsearch_indexentry")
    else:
        print(f"Reusing {have:,} suppliers in {args.database_url}")
    if args.regenerate or args.reindex or SupplierEntry.objects.count() != args.suppliers:
        reindex()
        vacuum()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        print(f"PostgreSQL jit = {cursor.fetchone()[0]}")
    # Start as the web server does (marketplace/wsgi.py), which moves what it has loaded out of
    # the garbage collector's reach: otherwise its full collections add pauses of about 100 ms
    # to a few requests.
    import marketplace.wsgi  # noqa: F401

    run_mix(args.repeat, args.seed, args.skip_wagtail)


if __name__ == "__main__":
    main()
