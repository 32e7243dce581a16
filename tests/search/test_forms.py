"""Query string -> SearchQuery: the parser the pages and the API share (search/forms.py) and
place resolution (search/places.py)."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from search import places
from search.forms import (
    MAX_RADIUS_MILES,
    ChallengeSearchForm,
    SupplierSearchForm,
)
from tests.factories.challenges import ChallengeFactory

pytestmark = pytest.mark.django_db


def supplier_form(qs: str, **kwargs) -> SupplierSearchForm:
    return SupplierSearchForm(QueryDict(qs), **kwargs)


def challenge_form(qs: str, **kwargs) -> ChallengeSearchForm:
    return ChallengeSearchForm(QueryDict(qs), **kwargs)


# --- Places ------------------------------------------------------------------------------------


def test_full_postcode_resolves_to_its_exact_point():
    point = places.resolve("ls1 4ap")
    assert point.label == "LS1 4AP"
    assert point.latitude == pytest.approx(53.795, abs=0.01)
    assert point.longitude == pytest.approx(-1.556, abs=0.01)


def test_outward_code_resolves_to_its_centroid():
    point = places.resolve("LS1")
    assert point.label == "LS1"
    assert point.latitude == pytest.approx(53.80, abs=0.02)


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("Leeds", "Leeds"),
        ("leeds", "Leeds"),
        ("Bristol", "Bristol, City of"),
        ("Cardiff", "Cardiff"),
        ("Edinburgh", "City of Edinburgh"),
        ("Hull", "Kingston upon Hull, City of"),
    ],
)
def test_place_names_are_district_names(typed, district):
    assert places.resolve(typed).label == district


@pytest.mark.parametrize("typed", ["ZZ9 9ZZ", "Atlantis", "", "x" * 500, "LS1 4AP; DROP"])
def test_unknown_places_say_so(typed):
    with pytest.raises(places.PlaceNotFound) as caught:
        places.resolve(typed)
    assert "Enter a full UK postcode, like LS1 4AP, or a town" in str(caught.value)


# --- Suppliers -------------------------------------------------------------------------------


def test_empty_query_string_lists_everything_by_name():
    query = SupplierSearchForm(None).query()
    assert query.index == "suppliers"
    assert query.text == "" and query.filters == {} and query.near is None
    assert query.sort == "name" and query.page == 1 and query.page_size == 20


def test_every_supplier_parameter_reaches_the_query():
    form = supplier_form(
        "q=data+AI&sme=true&size_band=micro&size_band=small&vcse=true&region=TLE&region=TLD"
        "&near=LS1+4AP&radius_miles=25&capability=data-and-ai&certification=cyber_essentials"
        "&min_rating=4&new_to_public_sector=true&remote=true&sort=distance&page=2&page_size=50",
        strict=True,
    )
    query = form.query(facets=("region",))
    assert form.param_errors == {}
    assert query.text == "data AI"
    assert query.filters["sme"] is True and query.filters["vcse"] is True
    assert query.filters["size_band"] == ("micro", "small")
    assert query.filters["region"] == ("TLE", "TLD")
    assert query.filters["certification"] == ("cyber_essentials",)
    assert query.filters["min_rating"] == 4.0
    assert query.filters["new_to_public_sector"] is True
    assert query.near.label == "LS1 4AP" and query.radius_miles == 25
    assert query.include_remote is True
    assert query.sort == "distance" and query.page == 2 and query.page_size == 50
    assert query.facets == ("region",)


def test_parent_capability_expands_to_its_children():
    query = supplier_form("capability=data-and-ai").query()
    slugs = query.filters["capability"]
    assert slugs[0] == "data-and-ai"
    assert "machine-learning" in slugs or len(slugs) > 1
    child = supplier_form(f"capability={slugs[1]}").query()
    assert child.filters["capability"] == (slugs[1],)


def test_sme_false_means_non_smes_and_checkbox_on_means_true():
    assert supplier_form("sme=false").query().filters["sme"] is False
    assert supplier_form("sme=on").query().filters["sme"] is True
    assert "sme" not in supplier_form("sme=").query().filters


def test_unknown_postcode_stops_the_search_with_a_message():
    form = supplier_form("near=ZZ9+9ZZ&sme=true")
    assert form.query() is None
    assert form.place_not_found
    assert form.param_errors["near"] == (
        "We could not find ZZ9 9ZZ. Enter a full UK postcode, like LS1 4AP, or a town"
    )


@pytest.mark.parametrize("radius", ["0", "-5", "0.0"])
def test_radius_of_zero_or_less_is_refused(radius):
    form = supplier_form(f"near=LS1+4AP&radius_miles={radius}")
    query = form.query()
    assert "radius_miles" in form.param_errors
    assert form.param_errors["radius_miles"] in (
        "Enter a distance of more than 0 miles",
        "Enter a distance in miles, like 25",
    )
    assert query.radius_miles == 25  # the default, the bad value is left out


def test_huge_radius_is_capped_at_the_uk():
    query = supplier_form("near=LS1&radius_miles=50000").query()
    assert query.radius_miles == MAX_RADIUS_MILES


@pytest.mark.parametrize("radius", ["NaN", "inf", "1e9", "25miles", "２５"])
def test_radius_must_be_a_plain_number(radius):
    form = supplier_form(f"near=LS1&radius_miles={radius}")
    form.query()
    assert form.param_errors["radius_miles"] == "Enter a distance in miles, like 25"


def test_long_text_is_refused_and_left_out():
    form = supplier_form("q=" + "a" * 2000)
    query = form.query()
    assert form.param_errors["q"] == "Search text must be 200 characters or fewer"
    assert query.text == ""


def test_query_syntax_characters_are_plain_text():
    form = supplier_form('q="sensor"+-data+*+(ai)+OR+|')
    assert form.query().text == '"sensor" -data * (ai) OR |'
    assert form.param_errors == {}


@pytest.mark.parametrize(
    ("qs", "field"),
    [
        ("size_band=huge", "size_band"),
        ("region=XX", "region"),
        ("capability=no-such-thing", "capability"),
        ("certification=iso_0", "certification"),
        ("min_rating=7", "min_rating"),
        ("sme=perhaps", "sme"),
        ("sort=cheapest", "sort"),
    ],
)
def test_unknown_filter_values_name_the_field(qs, field):
    form = supplier_form(qs)
    query = form.query()
    assert set(form.param_errors) == {field}
    assert field not in query.filters


def test_sort_by_distance_needs_a_place():
    form = supplier_form("sort=distance")
    assert form.query().sort == "name"
    assert form.param_errors == {"sort": "Enter a postcode or town to sort by distance"}


def test_default_sort_follows_what_was_asked():
    assert supplier_form("q=data").query().sort == "relevance"
    assert supplier_form("near=LS1").query().sort == "distance"


def test_strict_mode_refuses_unknown_and_repeated_parameters():
    form = supplier_form("text=data&sme=true&sme=false&colour=red", strict=True)
    assert form.param_errors == {
        "text": "Unknown parameter",
        "colour": "Unknown parameter",
        "sme": "Give this parameter once",
    }


def test_pages_accept_the_old_text_parameter():
    assert supplier_form("text=sensors").query().text == "sensors"
    assert supplier_form("text=sensors&q=data").query().text == "data"


@pytest.mark.parametrize(
    ("qs", "problem"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=99999999999999", "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=x", "page_size"),
    ],
)
def test_api_paging_problems(qs, problem):
    form = supplier_form(qs, strict=True)
    assert problem in form.param_errors
    query = form.query()
    assert query.page >= 1 and 1 <= query.page_size <= 100


def test_pages_fix_the_page_size_and_forgive_bad_page_numbers():
    form = supplier_form("page=abc&page_size=5", page_size=20)
    query = form.query()
    assert query.page == 1 and query.page_size == 20
    assert form.param_errors == {}


def test_radius_without_a_place_is_an_api_error_and_ignored_on_pages():
    assert supplier_form("radius_miles=10", strict=True).param_errors == {
        "radius_miles": "Enter a postcode or town to search within a distance"
    }
    page = supplier_form("radius_miles=10")
    assert page.query().radius_miles is None and page.param_errors == {}


# --- Challenges ------------------------------------------------------------------------------


def test_challenge_status_defaults_to_open():
    assert ChallengeSearchForm(None).query().filters == {"status": ("open",)}
    assert challenge_form("status=any").query().filters == {}
    assert challenge_form("status=closed&status=decided").query().filters["status"] == (
        "closed",
        "decided",
    )


def test_every_challenge_parameter_reaches_the_query():
    challenge = ChallengeFactory(status="open", with_phase=True)
    form = challenge_form(
        f"q=falls&status=open&buyer={challenge.buyer.slug}&capability=data-and-ai&region=TLE"
        "&near=Leeds&radius_miles=10&budget_min=1000&budget_max=250000.50"
        "&closing_before=2027-03-31&procedure=sbri&mode=open_call&sort=budget&page=3"
        "&page_size=10",
        strict=True,
    )
    query = form.query()
    assert form.param_errors == {}
    assert query.index == "challenges" and query.text == "falls"
    assert query.filters["buyer"] == (challenge.buyer_id,)
    assert query.filters["budget_min"] == 100_000  # pence
    assert query.filters["budget_max"] == 25_000_050
    assert query.filters["closing_before"] == datetime.date(2027, 3, 31)
    assert query.filters["procedure"] == ("sbri",) and query.filters["mode"] == ("open_call",)
    assert query.filters["region"] == ("TLE",)
    assert query.near.label == "Leeds" and query.radius_miles == 10
    assert query.sort == "budget" and query.page == 3 and query.page_size == 10


def test_buyer_by_id_works_like_by_slug():
    challenge = ChallengeFactory(status="open", with_phase=True)
    query = challenge_form(f"buyer={challenge.buyer_id}").query()
    assert query.filters["buyer"] == (challenge.buyer_id,)


def test_a_co_funder_can_be_chosen_as_the_buyer_and_a_draft_buyer_cannot():
    """The buyer filter finds a challenge by its lead buyer or any co-funder, so both are
    offered; an organisation whose only challenge is a draft is not."""
    from search import run
    from tests.factories.challenges import BuyerOrganisationFactory

    challenge = ChallengeFactory(status="open", with_phase=True)
    funder = BuyerOrganisationFactory()
    challenge.co_funders.add(funder)
    drafting = ChallengeFactory(status="draft")

    form = challenge_form(f"buyer={funder.slug}", strict=True)
    query = form.query()
    assert form.param_errors == {}
    assert query.filters["buyer"] == (funder.pk,)
    assert run(query).ids == [challenge.pk]
    assert funder.slug in dict(form.fields["buyer"].choices)

    refused = challenge_form(f"buyer={drafting.buyer.slug}", strict=True)
    refused.query()
    assert set(refused.param_errors) == {"buyer"}


@pytest.mark.parametrize(
    ("qs", "field"),
    [
        ("budget_min=NaN", "budget_min"),
        ("budget_max=1e30", "budget_max"),
        ("closing_before=31/03/2027", "closing_before"),
        ("mode=lottery", "mode"),
        ("procedure=auction", "procedure"),
        ("status=secret", "status"),
        ("buyer=nobody", "buyer"),
    ],
)
def test_bad_challenge_values_name_the_field(qs, field):
    form = challenge_form(qs)
    form.query()
    assert set(form.param_errors) == {field}


def test_budget_range_must_be_the_right_way_round():
    form = challenge_form("budget_min=5000&budget_max=100")
    query = form.query()
    assert form.param_errors == {"budget_max": "The maximum budget must be more than the minimum"}
    assert "budget_max" not in query.filters


def test_closing_soon_is_a_page_spelling_of_closing_before():
    query = challenge_form("closing_soon=on").query()
    assert query.filters["closing_before"] == timezone.localdate() + datetime.timedelta(days=15)
    assert challenge_form("closing_soon=true", strict=True).param_errors == {
        "closing_soon": "Unknown parameter"
    }
