"""Supplier forms and pages, small-screen and wording polish: the VAT example is accepted,
listing capabilities are grouped checkboxes, headings keep their sentence case, optional tasks
do not lower the completion figure, the regions question starts from the postcode's region,
every "Change" link says what it changes and the directory filters fold away on small screens."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from suppliers.completeness import completeness
from suppliers.forms import CompanyForm, in_sentence
from suppliers.models import Capability, Region
from tests.factories.suppliers import ListingFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(supplier_org):
    return SupplierProfileFactory(organisation=supplier_org, slug=supplier_org.slug)


@pytest.fixture
def admin_client(client, supplier_admin):
    client.force_login(supplier_admin)
    return client


def _complete_required(profile):
    """Every required answer given, no optional one."""
    profile.contact_name = "Ada Lovelace"
    profile.contact_email = "ada@example.org"
    profile.serves_whole_uk = True
    profile.completed_steps = ["vcse"]
    profile.save()
    profile.capabilities.add(Capability.objects.filter(parent__isnull=False).first())
    return profile


# --- The VAT example ---------------------------------------------------------------------------


def _company_form(vat_number: str) -> CompanyForm:
    return CompanyForm(data={"company_number": "01234567", "vat_number": vat_number})


def test_the_vat_hint_example_is_accepted():
    hint = str(CompanyForm().fields["vat_number"].help_text)
    example = re.fullmatch(r"Like (GB[\d ]+)", hint)
    assert example, hint
    form = _company_form(example[1])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["vat_number"] == "GB" + example[1].removeprefix("GB").replace(" ", "")


def test_the_vat_error_message_example_is_accepted_too():
    form = _company_form("GB 123 4567 89")  # fails the check digits
    assert not form.is_valid()
    message = form.errors["vat_number"][0]
    example = re.search(r"like (GB[\d ]+\d)", message)
    assert example, message
    assert _company_form(example[1]).is_valid()


# --- Sentence case -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Data and AI", "data and AI"),
        ("IoT and sensors", "IoT and sensors"),
        ("NHS services", "NHS services"),
        ("Health tech", "health tech"),
        ("", ""),
    ],
)
def test_in_sentence_lowers_only_an_ordinary_first_word(name, expected):
    assert in_sentence(name) == expected


def test_directory_capability_filter_keeps_acronyms(client):
    html = client.get(reverse("suppliers:directory")).content.decode()
    assert ">All data and AI (" in html  # then the count of results
    assert ">All IoT and sensors (" in html
    assert "All data and ai" not in html
    assert "All iot" not in html
    assert '<optgroup label="Data and AI">' in html


# --- Listing capabilities as grouped checkboxes ------------------------------------------------


class _CapabilityGroups(HTMLParser):
    """Collects each fieldset legend on the page with the capability checkboxes inside it."""

    def __init__(self):
        super().__init__()
        self.groups: list[tuple[str, list[dict]]] = []
        self._in_legend = False
        self.selects: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "legend":
            self._in_legend = True
            self.groups.append(("", []))
        elif tag == "input" and attrs.get("name") == "capabilities":
            self.groups[-1][1].append(attrs)
        elif tag == "select":
            self.selects.append(attrs)

    def handle_endtag(self, tag):
        if tag == "legend":
            self._in_legend = False

    def handle_data(self, data):
        if self._in_legend:
            heading, boxes = self.groups[-1]
            self.groups[-1] = (heading + data.strip(), boxes)


def _capability_groups(html: str) -> _CapabilityGroups:
    parser = _CapabilityGroups()
    parser.feed(html)
    return parser


def test_listing_form_shows_capabilities_as_checkboxes_under_headings(admin_client, profile):
    url = reverse("suppliers:join_evidence_add", args=[profile.slug, "listings"])
    page = _capability_groups(admin_client.get(url).content.decode())
    assert not [s for s in page.selects if s.get("name") == "capabilities"]
    grouped = {heading: boxes for heading, boxes in page.groups if boxes}
    headings = Capability.objects.filter(parent__isnull=True).prefetch_related("children")
    assert list(grouped) == [h.name for h in headings]
    for heading in headings:
        boxes = grouped[heading.name]
        assert {b["type"] for b in boxes} == {"checkbox"}
        assert [int(b["value"]) for b in boxes] == [c.pk for c in heading.children.all()]
    assert "Data and AI" in grouped and "IoT and sensors" in grouped


def test_listing_capabilities_are_saved_and_shown_ticked(admin_client, profile):
    chosen = list(Capability.objects.filter(parent__isnull=False)[:2])
    response = admin_client.post(
        reverse("suppliers:join_evidence_add", args=[profile.slug, "listings"]),
        {
            "kind": "product",
            "title": "Air sensor kit",
            "summary": "Ten sensors and a dashboard",
            "price_model": "fixed",
            "capabilities": [c.pk for c in chosen],
        },
    )
    assert response.status_code == 302
    listing = profile.listings.get()
    assert set(listing.capabilities.all()) == set(chosen)
    edit = reverse("suppliers:join_evidence_edit", args=[profile.slug, "listings", listing.pk])
    page = _capability_groups(admin_client.get(edit).content.decode())
    ticked = {int(b["value"]) for _, boxes in page.groups for b in boxes if "checked" in b}
    assert ticked == {c.pk for c in chosen}


def test_listing_with_an_unknown_capability_says_how_to_fix_it(admin_client, profile):
    listing = ListingFactory(profile=profile)
    edit = reverse("suppliers:join_evidence_edit", args=[profile.slug, "listings", listing.pk])
    response = admin_client.post(
        edit,
        {
            "kind": "product",
            "title": "Air sensor kit",
            "summary": "Ten sensors",
            "price_model": "fixed",
            "capabilities": ["999999"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select capabilities from the list" in html
    field_id = response.context["form"]["capabilities"].id_for_label
    # The error summary link lands on the capabilities group.
    assert f'href="#{field_id}"' in html and f'id="{field_id}"' in html


# --- Optional tasks and the completion figure --------------------------------------------------


def test_optional_items_do_not_lower_the_completion_figure(profile):
    _complete_required(profile)
    result = completeness(profile)
    assert result.ready_to_submit
    assert result.missing  # optional items are still listed as missing...
    assert all(not c.required for c in result.missing)
    assert result.score == 100  # ...but the profile counts as complete


def test_task_list_marks_optional_tasks(admin_client, profile):
    _complete_required(profile)
    ListingFactory(profile=profile)
    html = admin_client.get(reverse("suppliers:join_tasks", args=[profile.slug])).content.decode()
    assert "Profile 100% complete" in html
    hints = dict(
        re.findall(
            r'govuk-task-list__link"[^>]*>([^<]+)</a>\s*<div class="govuk-task-list__hint">([^<]+)<',
            html,
        )
    )
    assert hints["Certifications"] == "Optional"
    assert hints["Case studies"] == "Optional"
    assert hints["Products and services"] == "Optional. 1 added"
    assert hints["Innovation claim"] == "Optional"
    assert "Capabilities" not in hints  # required tasks have no "Optional" hint
    # Nothing optional is shown as a task that still has to be done.
    assert "Incomplete" not in html.split("Check and submit")[0]


# --- Regions question --------------------------------------------------------------------------


def _ticked_regions(html: str) -> set[str]:
    boxes = re.findall(r'<input[^>]*name="regions_served"[^>]*>', html)
    return {re.search(r'value="([^"]+)"', b)[1] for b in boxes if " checked" in b}


def test_regions_question_ticks_the_postcode_region_when_nothing_is_chosen(admin_client, profile):
    yorkshire = Region.objects.get(code="TLE")
    assert profile.region == yorkshire
    html = admin_client.get(
        reverse("suppliers:join_step", args=[profile.slug, "regions"])
    ).content.decode()
    assert _ticked_regions(html) == {str(yorkshire.pk)}


def test_regions_question_keeps_what_the_supplier_chose(admin_client, profile):
    north_west = Region.objects.get(code="TLD")
    response = admin_client.post(
        reverse("suppliers:join_step", args=[profile.slug, "regions"]),
        {"regions_served": [north_west.pk]},
    )
    assert response.status_code == 302
    html = admin_client.get(
        reverse("suppliers:join_step", args=[profile.slug, "regions"])
    ).content.decode()
    assert _ticked_regions(html) == {str(north_west.pk)}


def test_regions_question_ticks_nothing_after_remote_only_or_whole_uk(admin_client, profile):
    url = reverse("suppliers:join_step", args=[profile.slug, "regions"])
    assert admin_client.post(url, {"remote_delivery": "on"}).status_code == 302
    assert _ticked_regions(admin_client.get(url).content.decode()) == set()
    profile.refresh_from_db()
    profile.completed_steps = []
    profile.serves_whole_uk = True
    profile.save()
    assert _ticked_regions(admin_client.get(url).content.decode()) == set()


def test_regions_question_ticks_nothing_without_a_postcode(admin_client, supplier_org):
    profile = SupplierProfileFactory(
        organisation=supplier_org, slug=supplier_org.slug, postcode="", region=None
    )
    html = admin_client.get(
        reverse("suppliers:join_step", args=[profile.slug, "regions"])
    ).content.decode()
    assert _ticked_regions(html) == set()


# --- Check your answers ------------------------------------------------------------------------


def test_every_change_link_on_the_check_page_names_what_it_changes(admin_client, profile):
    _complete_required(profile)
    html = admin_client.get(reverse("suppliers:join_check", args=[profile.slug])).content.decode()
    links = re.findall(r"<a [^>]*>(Change.*?)</a>", html, flags=re.S)
    assert len(links) >= 20
    names = []
    for link in links:
        hidden = re.fullmatch(r'Change<span class="govuk-visually-hidden"> (\S[^<]*)</span>', link)
        assert hidden, link
        names.append(f"Change {hidden[1]}")
    assert len(names) == len(set(names)), names
    assert "Change VCSE status" in names
    assert "Change VAT number" in names
    assert "Change legal name" in names
    assert not [n for n in names if "vcse" in n or "vat " in n]


# --- Directory filters on small screens --------------------------------------------------------


def test_directory_filters_fold_behind_show_filters(client):
    html = client.get(reverse("suppliers:directory")).content.decode()
    details = re.search(
        r'<details class="govuk-details app-filters"( open)?>(.*?)</details>', html, re.S
    )
    assert details, "filters are not in a details element"
    assert details[1] is None  # folded until asked for (wider screens open it with CSS)
    assert 'govuk-details__summary-text">Show filters</span>' in details[2]
    assert 'name="q"' in details[2] and "Apply filters" in details[2]


def test_directory_filters_open_when_one_needs_correcting(client):
    html = client.get(reverse("suppliers:directory"), {"region": "nowhere"}).content.decode()
    assert '<details class="govuk-details app-filters" open>' in html
    assert "Choose a region from the list" in html
