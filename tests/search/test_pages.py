"""The search pages: /suppliers/ (the directory) and /challenges/ through search.run."""

import datetime
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from marketplace.core import geo
from suppliers.models import Region, SupplierProfile
from tests.factories.challenges import ChallengeFactory
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db

SUPPLIERS = reverse("suppliers:directory")
CHALLENGES = reverse("challenges:list")


def supplier_at(postcode: str, name: str, **kwargs) -> SupplierProfile:
    place = geo.lookup_postcode(postcode)
    return SupplierProfileFactory(
        approved=True,
        legal_name=name,
        postcode=place.postcode,
        latitude=place.latitude,
        longitude=place.longitude,
        district_code=place.district_code,
        district_name=place.district_name,
        region=Region.objects.get(code=place.region_code),
        **kwargs,
    )


@pytest.fixture
def yorkshire():
    return {
        "leeds": supplier_at("LS1 4DY", "Leeds Sensors Ltd"),
        "bradford": supplier_at("BD1 1HY", "Bradford Data Ltd"),
        "york": supplier_at("YO1 7HH", "York Analytics Ltd"),
        "big_leeds": supplier_at(
            "LS2 7HY",
            "Big Leeds Plc",
            size_band=SupplierProfile.SizeBand.LARGE,
            is_sme=False,
        ),
        "london": supplier_at("SW1A 2AA", "London Digital Ltd"),
    }


def names_in_order(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)<', html
    )


def test_suppliers_near_a_postcode_with_sme_show_distances_in_order(client, yorkshire):
    html = client.get(
        SUPPLIERS, {"near": "LS1 4AP", "radius_miles": "25", "sme": "true"}
    ).content.decode()
    assert names_in_order(html) == ["Leeds Sensors Ltd", "Bradford Data Ltd", "York Analytics Ltd"]
    distances = [float(d) for d in re.findall(r"<strong>([\d.]+) miles</strong> away", html)]
    assert distances == sorted(distances) and len(distances) == 3
    assert distances[0] < 1 and 7 < distances[1] < 11 and 20 < distances[2] < 25
    assert "3 suppliers" in html
    assert "Distances are in a straight line from LS1 4AP" in html


def test_radius_limits_the_results(client, yorkshire):
    html = client.get(SUPPLIERS, {"near": "LS1 4AP", "radius_miles": "10"}).content.decode()
    assert set(names_in_order(html)) == {"Leeds Sensors Ltd", "Bradford Data Ltd", "Big Leeds Plc"}


def test_place_name_and_outward_code_work_too(client, yorkshire):
    for near in ("Leeds", "LS1"):
        html = client.get(SUPPLIERS, {"near": near, "radius_miles": "5"}).content.decode()
        assert "Leeds Sensors Ltd" in html and "London Digital Ltd" not in html


def test_unknown_postcode_gives_a_message_and_no_results(client, yorkshire):
    response = client.get(SUPPLIERS, {"near": "ZZ9 9ZZ", "sme": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "We could not find ZZ9 9ZZ. Enter a full UK postcode, like LS1 4AP, or a town" in html
    assert "0 suppliers" in html
    assert names_in_order(html) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "LS1", "radius_miles": "0"}, "Enter a distance of more than 0 miles"),
        ({"near": "LS1", "radius_miles": "-3"}, "Enter a distance in miles, like 25"),
        ({"q": "x" * 2000}, "Search text must be 200 characters or fewer"),
        ({"size_band": "gigantic"}, "Choose sizes from the list"),
        ({"min_rating": "9"}, "Enter a rating from 1 to 5, like 4"),
        ({"sort": "distance"}, "Enter a postcode or town to sort by distance"),
    ],
)
def test_bad_input_gets_a_message_never_a_500(client, yorkshire, params, message):
    response = client.get(SUPPLIERS, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "Leeds Sensors Ltd" in html  # the bad value is left out; the rest still runs


def test_huge_radius_is_capped_and_finds_the_whole_uk(client, yorkshire):
    html = client.get(SUPPLIERS, {"near": "LS1 4AP", "radius_miles": "99999"}).content.decode()
    assert "There is a problem" not in html
    assert "5 suppliers" in html and "Within 1000 miles of LS1 4AP" in html


@pytest.mark.parametrize("text", ['"sensors', "-data", "data*", "(ai", "a | b & !c", "%_\\"])
def test_query_syntax_characters_are_plain_text(client, yorkshire, text):
    response = client.get(SUPPLIERS, {"q": text})
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


def test_selected_filters_are_tags_that_remove_one_parameter(client, yorkshire):
    html = client.get(
        SUPPLIERS,
        {"near": "LS1 4AP", "radius_miles": "25", "sme": "true", "region": ["TLE", "TLI"]},
    ).content.decode()
    tags = {
        label.strip(): href.replace("&amp;", "&")
        for href, label in re.findall(
            r'<a class="govuk-button govuk-button--secondary[^"]*app-filter-tag" href="([^"]*)"[^>]*>'
            r'<span class="govuk-visually-hidden">Remove filter </span>([^<]+)<',
            html,
        )
    }
    assert tags == {
        "Within 25 miles of LS1 4AP": "?sme=true&region=TLE&region=TLI",
        "SMEs only": ("?near=LS1+4AP&radius_miles=25&region=TLE&region=TLI"),
        "Based in: Yorkshire and The Humber": "?near=LS1+4AP&radius_miles=25&sme=true&region=TLI",
        "Based in: London": "?near=LS1+4AP&radius_miles=25&sme=true&region=TLE",
    }
    # Following a tag's link drops that filter only.
    html = client.get(SUPPLIERS + tags["Within 25 miles of LS1 4AP"]).content.decode()
    assert set(names_in_order(html)) == {
        "Leeds Sensors Ltd",
        "Bradford Data Ltd",
        "York Analytics Ltd",
        "London Digital Ltd",
    }


def test_sort_control_keeps_the_search(client, yorkshire):
    html = client.get(SUPPLIERS, {"near": "LS1 4AP", "sme": "true"}).content.decode()
    sort_form = re.search(
        r'<form method="get" action="/suppliers/" class="[^"]*" novalidate>(.*?)</form>', html, re.S
    )[1]
    assert '<input type="hidden" name="near" value="LS1 4AP">' in sort_form
    assert '<input type="hidden" name="sme" value="true">' in sort_form
    assert '<option value="distance" selected>Distance</option>' in sort_form
    by_name = client.get(SUPPLIERS, {"near": "LS1 4AP", "sme": "true", "sort": "name"})
    assert names_in_order(by_name.content.decode()) == [
        "Bradford Data Ltd",
        "Leeds Sensors Ltd",
        "York Analytics Ltd",
    ]


def test_text_search_needs_every_word_and_highlights_them(client, yorkshire):
    html = client.get(SUPPLIERS, {"q": "york sensor"}).content.decode()
    assert names_in_order(html) == ["York Analytics Ltd"]
    assert "<mark>sensors</mark>" in html  # the matched words of the summary are highlighted


def test_highlight_never_lets_markup_through(client):
    SupplierProfileFactory(
        approved=True, legal_name="Evil <script>alert(1)</script> Ltd", summary="<b>sensors</b>"
    )
    html = client.get(SUPPLIERS, {"q": "sensors"}).content.decode()
    assert "<script>alert(1)" not in html and "<b>sensors" not in html
    assert "1 supplier<" in html


def test_unapproved_suppliers_never_appear(client, yorkshire):
    SupplierProfileFactory(legal_name="Draft Sensors Ltd", status=SupplierProfile.Status.DRAFT)
    SupplierProfileFactory(
        legal_name="Suspended Sensors Ltd", status=SupplierProfile.Status.SUSPENDED
    )
    html = client.get(
        SUPPLIERS, {"q": "sensors", "near": "LS1", "radius_miles": "50"}
    ).content.decode()
    assert "Draft Sensors" not in html and "Suspended Sensors" not in html


def test_pagination_keeps_the_filters(client):
    for n in range(25):
        supplier_at("LS1 4DY", f"Leeds {n:02d} Ltd")
    html = client.get(SUPPLIERS, {"near": "LS1 4AP", "sme": "true"}).content.decode()
    assert 'href="?near=LS1+4AP&amp;sme=true&amp;page=2"' in html
    page2 = client.get(SUPPLIERS, {"near": "LS1 4AP", "sme": "true", "page": "2"}).content.decode()
    assert len(names_in_order(page2)) == 5


def test_a_page_after_the_result_window_says_so(client, yorkshire):
    html = client.get(SUPPLIERS, {"page": "100000"}).content.decode()
    assert "Only the first 10,000 results can be shown" in html
    assert client.get(SUPPLIERS, {"page": "99999999999999999999"}).status_code == 200


def make_suppliers(how_many: int, start: int = 0) -> None:
    from suppliers.models import Capability

    capabilities = list(Capability.objects.filter(parent__slug="data-and-ai")[:2])
    for n in range(start, start + how_many):
        profile = supplier_at("LS1 4DY", f"Query Count {n:03d} Ltd")
        profile.capabilities.add(*capabilities)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"near": "LS1 4AP", "radius_miles": "25", "sme": "true"},
        {"q": "query count", "capability": "data-and-ai", "sort": "name"},
    ],
)
def test_directory_query_count_is_the_same_at_two_sizes(client, django_assert_num_queries, params):
    make_suppliers(5)
    client.get(SUPPLIERS, params)  # warm per-process caches (site settings)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(SUPPLIERS, params)
    make_suppliers(40, start=5)
    with django_assert_num_queries(len(small)):
        response = client.get(SUPPLIERS, params)
    assert len(names_in_order(response.content.decode())) == 20


# --- Challenges ------------------------------------------------------------------------------


def open_challenge(**kwargs):
    return ChallengeFactory(open=True, with_phase=True, **kwargs)


def test_challenge_list_searches_and_filters(client):
    open_challenge(title="Falls prevention in care homes", budget_pence=50_000_000)
    open_challenge(
        title="Pothole detection",
        summary="Find potholes",
        problem_statement="Roads",
        outcomes_sought="Fewer potholes",
        budget_pence=500_000_000,
        mode="open_call",
    )
    ChallengeFactory(title="Closed falls work", closed=True, with_phase=True)
    html = client.get(CHALLENGES, {"q": "falls"}).content.decode()
    assert "Falls prevention in care homes" in html
    assert "Pothole detection" not in html and "Closed falls work" not in html
    html = client.get(CHALLENGES, {"q": "falls", "status": "any"}).content.decode()
    assert "Closed falls work" in html
    html = client.get(CHALLENGES, {"budget_min": "1000000"}).content.decode()
    assert "Pothole detection" in html and "Falls prevention" not in html
    html = client.get(CHALLENGES, {"mode": "competition"}).content.decode()
    assert "Falls prevention" in html and "Pothole detection" not in html
    assert "Open call or competition: Competition (fixed window)" in html  # the tag


def test_challenge_closing_before(client):
    soon = open_challenge(title="Closes soon")
    phase = soon.phases.get()
    phase.closes_at = timezone.now() + datetime.timedelta(days=3)
    phase.save()
    open_challenge(title="Closes later")  # 30 days
    before = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    html = client.get(CHALLENGES, {"closing_before": before}).content.decode()
    assert "Closes soon" in html and "Closes later" not in html


def test_challenge_list_bad_input(client):
    open_challenge(title="Still listed")
    response = client.get(
        CHALLENGES,
        {"budget_min": "NaN", "closing_before": "tomorrow", "mode": "x", "near": "Atlantis"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a date as YYYY-MM-DD, like 2027-03-31" in html
    assert "Choose open call or competition" in html
    assert "We could not find Atlantis" in html
    assert "Still listed" not in html  # an unknown place means no results, not all results


# --- Filter counts ---------------------------------------------------------------------------

COUNT = re.compile(r" \((\d[\d,]*)\)$")


def option_labels(html: str, name: str) -> dict[str, str]:
    """{value: label text} of one filter: a drop-down's options, a group of checkboxes or one
    checkbox (keyed by the value it sends, "true")."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return {
            value: unescape(label)
            for value, label in re.findall(
                r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1]
            )
        }
    labels = {}
    for attrs in re.findall(r"<input ([^>]*)>", html):
        if f'name="{name}"' not in attrs or 'type="checkbox"' not in attrs:
            continue
        input_id = re.search(r'(?:^|\s)id="([^"]+)"', attrs)[1]
        value = re.search(r'(?:^|\s)value="([^"]*)"', attrs)[1]
        label = re.search(rf'<label [^>]*for="{input_id}"[^>]*>(.*?)</label>', html, re.S)[1]
        labels[value] = unescape(re.sub(r"<[^>]+>", "", label).strip())
    return labels


def counts_shown(html: str, name: str) -> dict[str, int]:
    return {
        value: int(match[1].replace(",", ""))
        for value, label in option_labels(html, name).items()
        if (match := COUNT.search(label))
    }


def facets_of(form_class, params: dict) -> dict[str, dict[str, int]]:
    from search import run
    from search.facets import facets_to_ask

    form = form_class(QueryDict(urlencode(params, doseq=True)), page_size=20)
    return run(form.query(facets=facets_to_ask(form))).facets


def headings_of(form_class) -> set[str]:
    """The capability headings' slugs: the only capability options the facet counts."""
    return set(form_class(None).capabilities.children)


def assert_counts_match(html: str, facets: dict[str, dict[str, int]], *, uncounted=()) -> None:
    """Every counted option shows the backend's count (0 when the backend has none) and every
    value the backend counted that has an option shows its count."""
    for name, counts in facets.items():
        shown = counts_shown(html, name)
        options = set(option_labels(html, name))
        assert shown, f"no counts beside {name}"
        for value, n in shown.items():
            assert n == counts.get(value, 0), (name, value)
        for value in counts:
            if value in options and value not in uncounted:
                assert value in shown, (name, value)
        if name != "vcse":
            assert not set(shown) & {"", "any", *uncounted}, name


@pytest.fixture
def counted_suppliers(yorkshire):
    from suppliers.models import Capability
    from tests.factories.suppliers import CertificationFactory

    entry = Capability.objects.filter(parent__slug="data-and-ai").first()
    yorkshire["leeds"].capabilities.add(entry)
    yorkshire["york"].capabilities.add(entry)
    CertificationFactory(profile=yorkshire["york"])
    vcse = yorkshire["bradford"]
    vcse.is_vcse = True
    vcse.save()
    return yorkshire


def test_supplier_filters_show_the_counts_of_the_search(client, counted_suppliers):
    from search.forms import SupplierSearchForm

    html = client.get(SUPPLIERS, {"sme": "true"}).content.decode()
    sizes = option_labels(html, "size_band")
    assert sizes["small"] == "Small (4)"  # Big Leeds Plc is not an SME
    assert sizes["large"] == "Large (0)"  # no result has it: still offered, with (0)
    # GOV.UK checkboxes, so the boxes are drawn beside the counts.
    assert 'class="govuk-label govuk-checkboxes__label" for="filter-size_band_1">Small (4)<' in html
    regions = option_labels(html, "region")
    assert regions["TLE"] == "Yorkshire and The Humber (3)"
    assert regions["TLI"] == "London (1)"
    assert regions["TLC"] == "North East (0)"
    assert regions[""] == "Anywhere"
    capabilities = option_labels(html, "capability")
    assert capabilities["data-and-ai"].endswith(" (2)")  # the heading counts its entries
    entries = SupplierSearchForm(None).capabilities.children["data-and-ai"]
    assert entries and not any(COUNT.search(capabilities[slug]) for slug in entries)
    assert option_labels(html, "certification")["cyber_essentials"] == "Cyber Essentials (1)"
    assert option_labels(html, "vcse")["true"].endswith("(VCSEs) only (1)")
    facets = facets_of(SupplierSearchForm, {"sme": "true"})
    assert set(facets) == {"size_band", "region", "capability", "certification", "vcse"}
    not_headings = {slug for slug in capabilities if slug} - headings_of(SupplierSearchForm)
    assert_counts_match(html, facets, uncounted=not_headings)


def test_a_filter_in_use_counts_its_options_without_its_own_choice(client, counted_suppliers):
    params = {"region": "TLE", "size_band": "small"}
    html = client.get(SUPPLIERS, params).content.decode()
    assert "3 suppliers" in html
    # Regions: small suppliers anywhere (the region chosen left out of its own counts).
    assert option_labels(html, "region")["TLE"] == "Yorkshire and The Humber (3)"
    assert option_labels(html, "region")["TLI"] == "London (1)"
    # Sizes: suppliers in Yorkshire of each size (the size chosen left out).
    assert option_labels(html, "size_band")["small"] == "Small (3)"
    assert option_labels(html, "size_band")["large"] == "Large (1)"
    # Filters with nothing chosen count the results as they are.
    assert option_labels(html, "certification")["cyber_essentials"] == "Cyber Essentials (1)"
    assert "Remove filter </span>Size of business: Small <span" in html  # the tag: no count


def test_challenge_filters_show_the_counts_of_the_search(client):
    from search.forms import ChallengeSearchForm

    open_challenge(procedure="sbri")
    open_challenge(procedure="sbri")
    open_challenge(procedure="design_contest")
    ChallengeFactory(closed=True, with_phase=True)
    html = client.get(CHALLENGES).content.decode()
    statuses = option_labels(html, "status")
    assert statuses["open"] == "Open now (3)"
    # The default "open" is a choice made: the other statuses still say what they would give.
    assert statuses["closed"] == "Closed (1)"
    assert statuses["any"] == "Any status"
    procedures = option_labels(html, "procedure")
    assert procedures["sbri"] == "SBRI pre-commercial procurement (2)"
    assert procedures["design_contest"] == "Design contest (1)"
    assert procedures["innovation_partnership"] == "Innovation partnership (0)"
    assert procedures[""] == "Any procedure"
    assert not counts_shown(html, "mode") and not counts_shown(html, "buyer")  # no facets
    facets = facets_of(ChallengeSearchForm, {})
    assert set(facets) == {"status", "procedure", "capability", "region"}
    not_headings = set(option_labels(html, "capability")) - {""} - headings_of(ChallengeSearchForm)
    del facets["status"]  # counted without the status filter, as above
    assert_counts_match(html, facets, uncounted=not_headings)
    html = client.get(CHALLENGES, {"status": "any"}).content.decode()
    assert option_labels(html, "status")["closed"] == "Closed (1)"


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (SUPPLIERS, {"size_band": "gigantic"}),
        (SUPPLIERS, {"near": "ZZ9 9ZZ"}),  # no search runs
        (SUPPLIERS, {"sme": "maybe", "region": "TLE"}),
        (CHALLENGES, {"budget_min": "NaN"}),
    ],
)
def test_no_counts_when_the_search_has_errors(client, counted_suppliers, url, params):
    open_challenge()
    html = client.get(url, params).content.decode()
    assert "There is a problem" in html
    if url == SUPPLIERS:
        filters = ("size_band", "region", "capability", "certification", "vcse")
    else:
        filters = ("status", "procedure", "capability", "region")
    for name in filters:
        assert option_labels(html, name), name  # the filter is there, without counts
        assert not counts_shown(html, name), name


def test_counts_have_thousands_separators_and_ignore_values_without_an_option():
    from search.facets import show_counts
    from search.forms import SupplierSearchForm

    form = SupplierSearchForm(None)
    show_counts(
        form,
        {
            "size_band": {"small": 1204, "enormous": 7},
            "capability": {"data-and-ai": 12_345, "no-such-heading": 3},
            "vcse": {"false": 9},
        },
    )
    sizes = dict(form.fields["size_band"].choices)
    assert sizes == {
        "micro": "Micro (0)",
        "small": "Small (1,204)",
        "medium": "Medium (0)",
        "large": "Large (0)",
    }
    groups = dict(form.fields["capability"].choices[1:])
    data = dict(next(options for options in groups.values() if dict(options).get("data-and-ai")))
    assert data["data-and-ai"].endswith(" (12,345)")
    assert not any(COUNT.search(label) for slug, label in data.items() if slug != "data-and-ai")
    assert form.fields["vcse"].label.endswith(" only (0)")
    assert not COUNT.search(dict(form.fields["region"].choices)["TLE"])  # not asked: untouched
    assert not COUNT.search(SupplierSearchForm(None).fields["size_band"].choices[1][1])
