"""The API lists' shared paging: reading ``page`` and ``page_size``, its messages, and a page's
shape. The endpoints' own tests (tests/<app>/test_*api.py) check the same through HTTP."""

import pytest
from django.test import RequestFactory

from marketplace.core.api_paging import (
    PageRequestError,
    check_page_bounds,
    page_of,
    page_url,
    read_page_request,
    refuse_unknown_parameters,
    whole_number,
)


def _get(query: str = ""):
    return RequestFactory().get(f"/api/v1/things?{query}")


def test_page_url_keeps_the_other_parameters_and_is_absolute():
    request = _get("status=open&page=2&region=TLE&region=TLD")
    assert page_url(request, 3) == (
        "http://testserver/api/v1/things?status=open&page=3&region=TLE&region=TLD"
    )


def test_page_url_adds_a_page_when_there_was_none():
    assert page_url(_get(), 2) == "http://testserver/api/v1/things?page=2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 7),
        ("0", 0),
        ("12", 12),
        ("123456789", 123456789),
        ("1234567890", None),  # too long to be a page or a page size
        ("-1", None),
        ("1.5", None),
        ("abc", None),
        (" 3", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: isdigit() but not ASCII
    ],
)
def test_whole_number(text, expected):
    request = _get(f"page={text}")
    assert whole_number(request, "page", 7) == expected


def test_whole_number_absent_is_the_default():
    assert whole_number(_get(), "page_size", 20) == 20


def test_unknown_parameters_are_named_with_the_allowed_ones():
    with pytest.raises(PageRequestError) as caught:
        refuse_unknown_parameters(_get("zeta=1&pgae=2&page=1"), frozenset({"page", "page_size"}))
    assert caught.value.status == 400
    assert caught.value.detail == "Unknown parameter pgae, zeta. Use: page, page_size"


def test_known_parameters_pass():
    refuse_unknown_parameters(_get("page=1&page_size=5"), ("page", "page_size"))


@pytest.mark.parametrize(
    ("page", "page_size", "detail"),
    [
        (1, 0, "page_size must be between 1 and 100"),
        (1, 101, "page_size must be between 1 and 100"),
        (1, None, "page_size must be between 1 and 100"),
        (0, 0, "page_size must be between 1 and 100"),  # the size is checked first
        (0, 20, "page must be 1 or more"),
        (None, 20, "page must be 1 or more"),
    ],
)
def test_page_bounds_refused(page, page_size, detail):
    with pytest.raises(PageRequestError) as caught:
        check_page_bounds(page=page, page_size=page_size, max_page_size=100)
    assert (caught.value.status, caught.value.detail) == (400, detail)


@pytest.mark.parametrize(("page", "page_size"), [(1, 1), (1, 100), (999, 20)])
def test_page_bounds_accepted(page, page_size):
    check_page_bounds(page=page, page_size=page_size, max_page_size=100)


def test_read_page_request_defaults_and_values():
    allowed = ("page", "page_size", "status")
    kwargs = {"allowed": allowed, "default_page_size": 20, "max_page_size": 100}
    assert read_page_request(_get(), **kwargs) == (1, 20)
    assert read_page_request(_get("page=3&page_size=5&status=x"), **kwargs) == (3, 5)


def test_read_page_request_refuses_unknown_parameters_before_bad_pages():
    with pytest.raises(PageRequestError) as caught:
        read_page_request(
            _get("page=abc&colour=red"),
            allowed=("page", "page_size"),
            default_page_size=20,
            max_page_size=100,
        )
    assert caught.value.detail.startswith("Unknown parameter colour.")


def test_an_empty_list_still_has_page_one():
    page = page_of(count=0, page=1, page_size=20)
    assert (page.last, page.start, page.stop) == (1, 0, 20)
    assert page.body(_get(), []) == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_page_after_the_last_is_a_404_saying_the_range():
    with pytest.raises(PageRequestError) as caught:
        page_of(count=41, page=4, page_size=20)
    assert caught.value.status == 404
    assert caught.value.detail == "Page 4 does not exist: choose a page from 1 to 3"


def test_the_404_wording_can_be_the_endpoints_own():
    with pytest.raises(PageRequestError) as caught:
        page_of(count=0, page=2, page_size=20, missing="Page {page}: choose 1 to {last}")
    assert caught.value.detail == "Page 2: choose 1 to 1"


def test_a_middle_page_links_both_ways():
    request = _get("page=2&page_size=20&status=open")
    page = page_of(count=41, page=2, page_size=20)
    assert (page.start, page.stop) == (20, 40)
    body = page.body(request, ["a"])
    assert body == {
        "count": 41,
        "next": "http://testserver/api/v1/things?page=3&page_size=20&status=open",
        "previous": "http://testserver/api/v1/things?page=1&page_size=20&status=open",
        "results": ["a"],
    }


def test_the_last_page_has_no_next():
    body = page_of(count=41, page=3, page_size=20).body(_get("page=3"), [])
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/things?page=2"
