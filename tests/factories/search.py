"""A fixed little world for search tests, and a brute-force oracle that answers any
``SearchQuery`` over it in plain Python.

``build_world()`` creates named suppliers whose words the relevance tests look for, a scatter of
suppliers around the UK (and a ring around Leeds) for geographic queries, suppliers that must
never be found (draft, submitted, suspended) and a set of challenges in every status.

``oracle(query)`` reads the same documents the backends index (``search.documents``) and
filters, measures (``haversine_miles`` over every row) and sorts them one by one, so a backend
that prefilters, pages or counts in SQL can be checked against it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from challenges.models import Challenge
from marketplace.core.geo import haversine_miles
from search import documents, text
from search.query import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SearchQuery
from suppliers.models import Capability, Region, SupplierProfile
from tests.factories.challenges import BuyerOrganisationFactory, ChallengeFactory, PhaseFactory
from tests.factories.suppliers import (
    CaseStudyFactory,
    CertificationFactory,
    ListingFactory,
    SupplierProfileFactory,
)

LEEDS = (53.7997, -1.5492)
CARDIFF = (51.4816, -3.1791)
LONDON = (51.5072, -0.1276)
MANCHESTER = (53.4808, -2.2426)
GLASGOW = (55.8642, -4.2518)
BELFAST = (54.5973, -5.9301)

# Ratings come from the feedback app; until it exists the world supplies them here.
RATINGS: dict[int, tuple[int, float]] = {}


def rating_summaries(ids):
    return {pk: RATINGS[pk] for pk in ids if pk in RATINGS}


@dataclass
class World:
    suppliers: dict[str, SupplierProfile] = field(default_factory=dict)
    hidden: list[SupplierProfile] = field(default_factory=list)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    buyers: dict[str, object] = field(default_factory=dict)

    def sid(self, key: str) -> int:
        return self.suppliers[key].pk

    def cid(self, key: str) -> int:
        return self.challenges[key].pk


def _today():
    return timezone.localdate()


# Named suppliers: (key, legal name, trading name, summary, capability slugs, extras)
NAMED = [
    (
        "cardiff",
        "Cardiff Bay Digital Cyf",
        "",
        "Websites and apps for Welsh public services, in English and Welsh.",
        ["web-and-mobile-development"],
        {"region": "TLL", "point": CARDIFF, "size_band": "micro", "is_vcse": True},
    ),
    (
        "acme_sensor",
        "Acme Sensor Works Ltd",
        "",
        "A sensor on every streetlight, reporting every minute.",
        ["asset-tracking"],
        {"point": (53.83, -1.60), "certs": [("cyber_essentials", 100)]},
    ),
    (
        "sensorium",
        "Sensorium Ltd",
        "",
        "We install air quality sensors outside schools and hospitals.",
        ["environmental-sensors"],
        {"point": (53.70, -1.45), "certs": [("iso_9001", -10)]},
    ),
    (
        "lora_1",
        "Pennine Networks Ltd",
        "",
        "Private radio networks for councils.",
        ["connectivity-and-lorawan"],
        {"point": MANCHESTER, "region": "TLD"},
    ),
    (
        "lora_2",
        "Fenland Telemetry Ltd",
        "",
        "Low power telemetry for water companies.",
        ["connectivity-and-lorawan", "environmental-sensors"],
        {"point": (52.57, 0.24), "region": "TLH"},
    ),
    (
        "lora_3",
        "Clyde Connect Ltd",
        "Clyde Connect",
        "Gateways and coverage surveys.",
        ["connectivity-and-lorawan"],
        {"point": GLASGOW, "region": "TLM", "size_band": "medium"},
    ),
    (
        "lora_4",
        "Riverside Flood Alerts Ltd",
        "",
        "Flood alerts for riverside communities.",
        ["environmental-sensors"],
        {
            "point": (54.97, -1.61),
            "region": "TLC",
            "case_study": (
                "River level monitoring",
                "We put LoRaWAN river level gauges on six bridges; flooding warnings now "
                "reach residents an hour earlier.",
            ),
        },
    ),
    (
        "lora_5",
        "Smart Parking Systems Ltd",
        "",
        "Parking bay occupancy for town centres.",
        ["traffic-management"],
        {
            "point": (52.49, -1.89),
            "region": "TLG",
            "listing": ("Bay sensors on LoRaWAN", "Battery bay sensors with a five year life."),
        },
    ),
    (
        "ml_lab",
        "Northern Machine Learning Lab Ltd",
        "",
        "Forecasting demand for adult social care.",
        ["machine-learning-and-ai"],
        {"point": (53.38, -1.47), "size_band": "small", "rating": (4, 4.5)},
    ),
    (
        "nlp",
        "Plain Words AI Ltd",
        "",
        "Chatbots that answer council tax questions in plain English.",
        ["natural-language-processing"],
        {"point": LONDON, "region": "TLI", "rating": (10, 3.2), "remote": ("TLE", "TLD")},
    ),
    (
        "retrofit",
        "Retrofit Homes Co-operative",
        "",
        "Insulating older homes so they cost less to heat.",
        ["building-retrofit"],
        {"point": (53.80, -1.75), "is_vcse": True, "size_band": "small", "new": True},
    ),
    (
        "heat",
        "Warm Streets Ltd",
        "",
        "Low carbon heating for social landlords.",
        ["heat-networks"],
        {
            "point": (53.65, -1.78),
            "listing": ("Heat pump installation", "Air source heat pumps for council homes."),
            "rating": (2, 4.9),
        },
    ),
    (
        "carbon",
        "Ledger Green Ltd",
        "",
        "Measuring emissions for public bodies.",
        ["carbon-accounting"],
        {"point": (51.45, -2.59), "region": "TLK", "size_band": "large", "is_sme": False},
    ),
    (
        "vision",
        "Clearsight Vision Ltd",
        "",
        "Cameras that count cyclists and pedestrians.",
        ["computer-vision", "active-travel"],
        {"point": (52.95, -1.15), "region": "TLF", "certs": [("iso_27001", 365)]},
    ),
    (
        "pothole",
        "Road Scan Ltd",
        "",
        "Survey vehicles for highway authorities.",
        ["road-condition-monitoring"],
        {
            "point": (53.99, -1.54),
            "case_study": (
                "Finding potholes before they grow",
                "Dashboard cameras on bin lorries found 3,000 potholes for Kirklees Council.",
            ),
        },
    ),
    (
        "access",
        "Open Door Accessibility CIC",
        "Open Door",
        "We check that public websites work for disabled people.",
        ["accessibility-auditing"],
        {"point": (50.72, -3.53), "region": "TLK", "is_vcse": True, "new": True},
    ),
    (
        "ev",
        "ChargeWell Ltd",
        "",
        "Electric vehicle charging points on residential streets.",
        ["electric-vehicle-charging"],
        {"point": (51.75, -1.26), "region": "TLJ", "remote": ("ALL",)},
    ),
    (
        "falls",
        "Night Watch Care Tech Ltd",
        "",
        "Bed sensors that tell staff when someone gets up at night.",
        ["assistive-technology"],
        {
            "point": (53.79, -1.53),
            "case_study": (
                "Fewer falls in care homes",
                "Falls at night fell by a third across eight care homes in Wakefield.",
            ),
            "certs": [("cyber_essentials_plus", 30), ("cyber_essentials", 400)],
        },
    ),
    (
        "oneill",
        "O'Neill Analytics Ltd",
        "",
        "Data analysis for housing associations.",
        ["data-analytics-and-insight"],
        {"point": BELFAST, "region": "TLN", "rating": (3, 3.9)},
    ),
    (
        "inclusion",
        "Connect Everyone CIC",
        "",
        "Digital inclusion: devices, data and skills for people offline.",
        ["digital-inclusion"],
        {"point": (53.41, -2.98), "region": "TLD", "is_vcse": True, "new": True},
    ),
    (
        "dashboards",
        "Civic Metrics Ltd",
        "",
        "Performance dashboards for councils.",
        ["data-platforms-and-engineering"],
        {
            "point": (53.76, -1.52),
            "listing": ("Service dashboards", "Live dashboards of your service performance."),
            "remote": ("TLE",),
        },
    ),
    (
        "nowhere",
        "Placeless Consulting Ltd",
        "",
        "Advice on procurement, delivered online.",
        ["user-research-and-service-design"],
        {"point": None, "region": "", "remote": ("ALL",)},
    ),
]

SIZE_BANDS = ["micro", "small", "medium", "large"]
SCHEMES = ["cyber_essentials", "cyber_essentials_plus", "iso_27001", "iso_9001", "iso_14001"]
REGIONS = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN"]


def _point_at(origin, miles: float, bearing_deg: float) -> tuple[float, float]:
    import math

    lat1, lon1 = map(math.radians, origin)
    d = miles / 3958.7613
    b = math.radians(bearing_deg)
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
    lon2 = lon1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2)
    )
    return round(math.degrees(lat2), 6), round(math.degrees(lon2), 6)


def _make_supplier(
    legal_name, trading_name, summary, slugs, extras, *, caps, regions, status="approved"
):
    size_band = extras.get("size_band", "small")
    is_sme = extras.get("is_sme", size_band != "large")
    point = extras.get("point", LEEDS)
    kwargs = {
        "legal_name": legal_name,
        "trading_name": trading_name,
        "summary": summary,
        "size_band": size_band,
        "is_sme": is_sme,
        "is_vcse": extras.get("is_vcse", False),
        "vcse_type": "social_enterprise" if extras.get("is_vcse") else "",
        "region": regions.get(extras.get("region", "TLE")),
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "has_public_sector_experience": not extras.get("new"),
    }
    remote = extras.get("remote")
    if remote:
        kwargs["remote_delivery"] = True
        kwargs["serves_whole_uk"] = remote == ("ALL",)
    if status == "approved":
        profile = SupplierProfileFactory(approved=True, **kwargs)
    else:
        profile = SupplierProfileFactory(status=status, **kwargs)
        if status == "suspended":
            profile.approved_at = timezone.now()
            profile.save()
    profile.capabilities.set([caps[s] for s in slugs])
    if remote and remote != ("ALL",):
        profile.regions_served.set([regions[c] for c in remote])
    for scheme, days in extras.get("certs", []):
        CertificationFactory(
            profile=profile, scheme=scheme, expires_on=_today() + dt.timedelta(days=days)
        )
    if "case_study" in extras:
        title, body = extras["case_study"]
        CaseStudyFactory(profile=profile, title=title, outcome=body, challenge="", buyer_name="")
    if "listing" in extras:
        title, body = extras["listing"]
        ListingFactory(profile=profile, title=title, summary=body)
    if "rating" in extras:
        RATINGS[profile.pk] = extras["rating"]
    return profile


def build_world(*, scatter: int = 36, seed: int = 20261201) -> World:
    world = World()
    caps = {c.slug: c for c in Capability.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    RATINGS.clear()
    for key, legal, trading, summary, slugs, extras in NAMED:
        world.suppliers[key] = _make_supplier(
            legal, trading, summary, slugs, extras, caps=caps, regions=regions
        )
    rng = random.Random(seed)
    entry_slugs = sorted(s for s, c in caps.items() if c.parent_id)
    words = ["bright", "river", "oak", "summit", "harbour", "meadow", "granite", "beacon"]
    for i in range(scatter):
        if i < scatter // 2:
            # A ring around Leeds, 0.5 to 60 miles out, for radius queries.
            point = _point_at(LEEDS, rng.uniform(0.5, 60), rng.uniform(0, 360))
        else:
            point = (round(rng.uniform(50.2, 58.4), 6), round(rng.uniform(-5.3, 1.6), 6))
        band = rng.choice(SIZE_BANDS)
        extras = {
            "point": point,
            "region": rng.choice(REGIONS),
            "size_band": band,
            "is_vcse": rng.random() < 0.2,
            "new": rng.random() < 0.25,
            "certs": [(rng.choice(SCHEMES), rng.choice([-30, -1, 0, 1, 90, 400]))]
            if rng.random() < 0.5
            else [],
        }
        if rng.random() < 0.3:
            extras["remote"] = rng.choice([("ALL",), ("TLE",), ("TLI", "TLJ")])
        if rng.random() < 0.5:
            extras["rating"] = (rng.randint(1, 20), round(rng.uniform(1, 5), 1))
        name = f"{words[i % len(words)].title()} {i} Services Ltd"
        world.suppliers[f"scatter_{i}"] = _make_supplier(
            name,
            "",
            f"General {words[(i * 3) % len(words)]} consultancy number {i}.",
            rng.sample(entry_slugs, rng.randint(0, 3)),
            extras,
            caps=caps,
            regions=regions,
        )
    for status in ("draft", "submitted", "suspended"):
        world.hidden.append(
            _make_supplier(
                f"Hidden {status} Sensor Ltd",
                "",
                "Sensors and LoRaWAN and machine learning in Cardiff.",
                ["connectivity-and-lorawan"],
                {"point": LEEDS},
                caps=caps,
                regions=regions,
                status=status,
            )
        )
    _build_challenges(world, caps, regions)
    return world


def _build_challenges(world: World, caps, regions) -> None:
    now = timezone.now()
    leeds_council = BuyerOrganisationFactory(name="Leeds City Council")
    nhs = BuyerOrganisationFactory(name="Northern Care NHS Trust")
    world.buyers = {"leeds": leeds_council, "nhs": nhs}
    specs = [
        (
            "falls",
            "Reduce falls in care homes",
            "open",
            "sbri",
            "competition",
            nhs,
            ["assistive-technology"],
            None,
            100_000_00,
            10,
        ),
        (
            "potholes",
            "Find potholes before they form",
            "open",
            "innovation_partnership",
            "competition",
            leeds_council,
            ["road-condition-monitoring"],
            ("TLE", LEEDS),
            250_000_00,
            40,
        ),
        (
            "buses",
            "Real-time bus information in rural areas",
            "open",
            "sbri",
            "open_call",
            leeds_council,
            ["public-transport-information"],
            ("TLD", MANCHESTER),
            50_000_00,
            None,
        ),
        (
            "air",
            "Cleaner air outside schools",
            "closed",
            "sbri",
            "competition",
            leeds_council,
            ["environmental-sensors"],
            ("TLE", (53.70, -1.45)),
            80_000_00,
            -5,
        ),
        (
            "heat",
            "Heat networks for council estates",
            "scheduled",
            "competitive_dialogue",
            "competition",
            leeds_council,
            ["heat-networks"],
            ("TLI", LONDON),
            1_000_000_00,
            60,
        ),
        (
            "chat",
            "Answer council tax questions automatically",
            "assessing",
            "design_contest",
            "competition",
            nhs,
            ["natural-language-processing"],
            None,
            30_000_00,
            -20,
        ),
        (
            "flood",
            "Flood warnings for riverside streets",
            "open",
            "competitive_flexible",
            "competition",
            nhs,
            ["environmental-sensors", "connectivity-and-lorawan"],
            ("TLC", (54.97, -1.61)),
            120_000_00,
            5,
        ),
        (
            "ev",
            "Electric vehicle charging on terraced streets",
            "decided",
            "sbri",
            "competition",
            leeds_council,
            ["electric-vehicle-charging"],
            ("TLJ", (51.75, -1.26)),
            400_000_00,
            -60,
        ),
        (
            "cancelled",
            "Cancelled smart bins trial",
            "cancelled",
            "sbri",
            "competition",
            leeds_council,
            ["circular-economy-and-waste"],
            ("TLE", LEEDS),
            10_000_00,
            20,
        ),
        (
            "draft",
            "Draft challenge about sensors",
            "draft",
            "sbri",
            "competition",
            leeds_council,
            ["environmental-sensors"],
            None,
            10_000_00,
            30,
        ),
        (
            "review",
            "Challenge in review about falls",
            "in_review",
            "sbri",
            "competition",
            nhs,
            ["assistive-technology"],
            None,
            10_000_00,
            30,
        ),
    ]
    for i, (key, title, status, procedure, mode, buyer, slugs, place, budget, days) in enumerate(
        specs
    ):
        kwargs = {
            "title": title,
            "status": status,
            "procedure": procedure,
            "mode": mode,
            "buyer": buyer,
            "budget_pence": budget,
            "summary": f"{title}: we want ideas from suppliers of every size.",
            "uk_wide": place is None,
            "approved_at": now - dt.timedelta(days=30 - i),
            "opened_at": now - dt.timedelta(days=20 - i)
            if status not in ("draft", "in_review", "scheduled")
            else None,
        }
        if status == "cancelled":
            kwargs["cancellation_reason"] = "Budget withdrawn."
        if mode == "open_call":
            kwargs["assessment_period_days"] = 30
        if place is not None:
            code, point = place
            kwargs.update(region=regions[code], latitude=point[0], longitude=point[1])
        challenge = ChallengeFactory(**kwargs)
        challenge.capabilities.set([caps[s] for s in slugs])
        if key == "falls":
            challenge.co_funders.set([leeds_council])
        PhaseFactory(
            challenge=challenge,
            closes_at=None if days is None else now + dt.timedelta(days=days),
            opens_at=now - dt.timedelta(days=90),
        )
        world.challenges[key] = challenge


# --- Oracle -----------------------------------------------------------------------------------


def _doc_lexemes(doc: dict) -> set[str]:
    return {lex for value in documents.weighted_text(doc).values() for lex in text.lexemes(value)}


def _values(value):
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (value,)
    return tuple(value)


def _supplier_matches(doc, f, today) -> bool:
    if f.get("sme") is not None and doc["is_sme"] is not bool(f["sme"]):
        return False
    if _values(f.get("size_band")) and doc["size_band"] not in _values(f["size_band"]):
        return False
    if f.get("vcse") is not None and doc["is_vcse"] is not bool(f["vcse"]):
        return False
    if _values(f.get("region")) and doc["region"] not in _values(f["region"]):
        return False
    if _values(f.get("capability")) and not set(doc["capability_slugs"]) & set(
        _values(f["capability"])
    ):
        return False
    if _values(f.get("certification")) and not any(
        c["scheme"] in _values(f["certification"]) and c["expires_on"] >= today
        for c in doc["certifications"]
    ):
        return False
    if f.get("min_rating") is not None and (
        doc["rating_average"] is None or doc["rating_average"] < f["min_rating"]
    ):
        return False
    return not (
        f.get("new_to_public_sector") is not None
        and doc["new_to_public_sector"] is not bool(f["new_to_public_sector"])
    )


def _challenge_matches(doc, f) -> bool:
    if _values(f.get("status")) and doc["status"] not in _values(f["status"]):
        return False
    if _values(f.get("buyer")) and not set(doc["buyer_ids"]) & {int(b) for b in f["buyer"]}:
        return False
    if _values(f.get("capability")) and not set(doc["capability_slugs"]) & set(
        _values(f["capability"])
    ):
        return False
    if (
        _values(f.get("region"))
        and doc["region"] not in _values(f["region"])
        and not doc["uk_wide"]
    ):
        return False
    if f.get("budget_min") is not None and doc["budget_pence"] < f["budget_min"]:
        return False
    if f.get("budget_max") is not None and doc["budget_pence"] > f["budget_max"]:
        return False
    if f.get("closing_before") is not None and (
        doc["closes_at"] is None
        or timezone.localtime(doc["closes_at"]).date() > f["closing_before"]
    ):
        return False
    if _values(f.get("procedure")) and doc["procedure"] not in _values(f["procedure"]):
        return False
    return not (_values(f.get("mode")) and doc["mode"] not in _values(f["mode"]))


@dataclass
class Answer:
    ids: list[int]  # every match, in the order the query's sort gives (ids only for relevance)
    total: int
    facets: dict[str, dict[str, int]]
    distances: dict[int, float]
    ordered: bool  # False when the order is relevance (only the set is comparable)

    def page(self, query: SearchQuery) -> list[int]:
        size = max(1, min(query.page_size, MAX_PAGE_SIZE))
        start = (query.page - 1) * size
        end = min(start + size, MAX_RESULT_WINDOW)
        return self.ids[start:end] if start < MAX_RESULT_WINDOW else []


def oracle(query: SearchQuery) -> Answer:
    today = timezone.localdate()
    suppliers = query.index == "suppliers"
    docs = list(
        documents.iter_supplier_documents() if suppliers else documents.iter_challenge_documents()
    )
    f = query.filters or {}
    wanted = set(text.query_lexemes(query.text))
    matched, distances = [], {}
    for doc in docs:
        ok = _supplier_matches(doc, f, today) if suppliers else _challenge_matches(doc, f)
        if ok and wanted and not wanted <= _doc_lexemes(doc):
            ok = False
        if ok and query.near is not None:
            location = doc["location"]
            distance = (
                haversine_miles(
                    query.near.latitude, query.near.longitude, location["lat"], location["lon"]
                )
                if location
                else None
            )
            if distance is not None:
                distances[doc["id"]] = distance
            if query.radius_miles is not None:
                radius = max(0.0, min(query.radius_miles, 1000.0))
                inside = distance is not None and distance <= radius
                if suppliers:
                    extra = query.include_remote and query.near.region in doc["remote_regions"]
                else:
                    extra = doc["uk_wide"]
                ok = inside or bool(extra)
        if ok:
            matched.append(doc)

    ordered = True
    if suppliers:
        if query.sort == "distance" and query.near is not None:
            key = lambda d: (distances.get(d["id"]) is None, distances.get(d["id"], 0), d["id"])  # noqa: E731
        elif query.sort == "rating":
            key = lambda d: (  # noqa: E731
                d["rating_average"] is None,
                -(d["rating_average"] or 0),
                -d["rating_count"],
                d["id"],
            )
        elif query.sort == "relevance" and wanted:
            key, ordered = (lambda d: d["id"]), False
        else:
            key = lambda d: (d["sort_name"], d["id"])  # noqa: E731
    else:
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        if query.sort == "newest":

            def key(d):
                return (
                    d["published_at"] is None,
                    -(d["published_at"] or far).timestamp(),
                    d["id"],
                )  # noqa: E731
        elif query.sort == "budget":
            key = lambda d: (-d["budget_pence"], d["id"])  # noqa: E731
        elif query.sort == "relevance" and wanted:
            key, ordered = (lambda d: d["id"]), False
        else:
            key = lambda d: (d["closes_at"] is None, d["closes_at"] or far, d["id"])  # noqa: E731
    matched.sort(key=key)

    facets = {}
    allowed = documents_facets(query.index)
    for name in dict.fromkeys(query.facets):
        if name not in allowed:
            continue
        counts: dict[str, int] = {}
        for doc in matched:
            for value in _facet_values(doc, name, today):
                counts[value] = counts.get(value, 0) + 1
        facets[name] = dict(sorted(counts.items()))
    return Answer(
        ids=[d["id"] for d in matched],
        total=len(matched),
        facets=facets,
        distances={d["id"]: distances[d["id"]] for d in matched if d["id"] in distances},
        ordered=ordered,
    )


def documents_facets(index: str) -> tuple[str, ...]:
    from search.query import CHALLENGE_FACETS, SUPPLIER_FACETS

    return SUPPLIER_FACETS if index == "suppliers" else CHALLENGE_FACETS


def _facet_values(doc, name, today) -> list[str]:
    if name == "capability":
        return list(doc["capability_top"])
    if name == "certification":
        return sorted({c["scheme"] for c in doc["certifications"] if c["expires_on"] >= today})
    if name == "vcse":
        return ["true" if doc["is_vcse"] else "false"]
    value = doc.get(name)
    return [str(value)] if value not in (None, "") else []
