import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from marketplace.core import registry
from marketplace.core.registry import HomeSection
from marketplace.home.models import (
    GuidanceIndexPage,
    GuidancePage,
    HomePage,
    SiteSettings,
    StandardPage,
)
from tests.conftest import mfa_login
from tests.factories import UserFactory
from tests.home.factories import (
    GuidancePageFactory,
    StandardPageFactory,
    guidance_index,
    home_page,
)


@pytest.fixture
def no_home_sections(monkeypatch):
    """The home page as it is with no app contributing a section."""
    monkeypatch.setattr(registry._slots[HomeSection], "items", {})


@pytest.fixture
def home_section(monkeypatch):
    """Register a stand-in section for one test; the registry is put back afterwards."""
    monkeypatch.setattr(registry._slots[HomeSection], "items", {})

    def add(**kwargs):
        registry.register(HomeSection(template="home/sections/link_list.html", **kwargs))

    return add


class PageTreeRulesTests(WagtailPageTestCase):
    def setUp(self):
        # An editor: platform staff with two-factor set up, as the CMS requires.
        self.editor = UserFactory(is_staff=True, is_superuser=True)
        TOTP.activate(self.editor, generate_totp_secret())
        mfa_login(self.client, self.editor)

    def test_home_page_sits_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, GuidanceIndexPage})
        # One home page already exists and max_count is 1.
        assert not HomePage.can_create_at(Page.get_first_root_node())

    def test_guidance_lives_only_under_the_guidance_index(self):
        self.assertAllowedParentPageTypes(GuidancePage, {GuidanceIndexPage})
        self.assertAllowedSubpageTypes(GuidancePage, set())
        self.assertCanCreateAt(GuidanceIndexPage, GuidancePage)
        self.assertCanNotCreateAt(HomePage, GuidancePage)
        self.assertCanNotCreateAt(StandardPage, GuidancePage)

    def test_only_one_guidance_index_under_home(self):
        self.assertAllowedParentPageTypes(GuidanceIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(GuidanceIndexPage, {GuidancePage})
        # The data migration already made /guidance/, so a second cannot be added.
        assert not GuidanceIndexPage.can_create_at(home_page())

    def test_standard_pages_nest_under_home_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(GuidanceIndexPage, StandardPage)

    def test_editor_can_create_a_guidance_page_through_the_admin_form(self):
        self.assertCanCreate(
            guidance_index(),
            GuidancePage,
            nested_form_data(
                {
                    "title": "Writing a good challenge",
                    "slug": "writing-a-good-challenge",
                    "summary": "Describe the problem, not the solution.",
                    "audience": "buyers",
                    "body": streamfield(
                        [
                            ("heading", "Start with the problem"),
                            ("warning", "Do not name a product."),
                        ]
                    ),
                }
            ),
        )
        page = GuidancePage.objects.get(slug="writing-a-good-challenge")
        assert page.live
        assert [block.block_type for block in page.body] == ["heading", "warning"]

    def test_every_page_type_renders_and_routes(self):
        guidance = GuidancePageFactory(parent=guidance_index())
        standard = StandardPageFactory(parent=home_page())
        for page in (home_page(), guidance_index(), guidance, standard):
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)

    def test_editor_can_edit_a_guidance_page_in_the_admin(self):
        page = GuidancePageFactory(parent=guidance_index(), body__0__warning="Old warning.")
        path = reverse("wagtailadmin_pages:edit", kwargs={"page_id": page.pk})
        assert self.client.get(path).status_code == 200
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "summary": "An updated summary.",
                "audience": "suppliers",
                "body": streamfield([("warning", "New warning.")]),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(path, data)
        assert response.status_code == 302, response.context["form"].errors
        page.refresh_from_db()
        assert page.summary == "An updated summary."
        assert page.audience == "suppliers"
        assert [block.value for block in page.body] == ["New warning."]
        assert "New warning." in self.client.get(page.url).content.decode()


@pytest.mark.django_db
def test_migrations_put_guidance_under_home_with_how_it_works_steps(client):
    index = guidance_index()
    assert index.get_parent().specific == home_page()
    assert index.url == "/guidance/"
    assert client.get("/guidance/").status_code == 200
    audiences = [block.value["audience"] for block in home_page().how_it_works]
    assert audiences == ["buyers", "suppliers"]


@pytest.mark.django_db
def test_home_page_renders_hero_and_steps_with_no_sections_registered(client, no_home_sections):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Buy innovation by posting a challenge" in html
    assert "How it works for buyers" in html
    assert "How it works for suppliers" in html
    assert "Describe the problem" in html
    assert "Latest open challenges" not in html


@pytest.mark.django_db
def test_home_page_renders_registered_sections_in_order_with_the_page(client, home_section):
    # The challenges app contributes its section like this; here a stand-in gives the rows.
    requests = []

    def latest(request):
        requests.append(request.path)
        return {
            "heading": "Latest open challenges",
            "items": [
                {
                    "title": "Reduce missed bin collections",
                    "url": "/challenges/bins/",
                    "meta": "Leeds City Council",
                },
                {"title": "Cut outpatient no-shows", "url": "", "meta": ""},
            ],
        }

    home_section(key="challenges", context=latest, order=20)
    home_section(
        key="news", context=lambda request: {"heading": "Marketplace news", "items": []}, order=10
    )
    home_section(key="hidden", context=lambda request: None, order=30)
    html = client.get("/").content.decode()
    assert requests == ["/"]
    assert '<a class="govuk-link govuk-!-font-weight-bold" href="/challenges/bins/">' in html
    assert "Leeds City Council" in html
    assert "<strong>Cut outpatient no-shows</strong>" in html
    assert html.index("Marketplace news") < html.index("Latest open challenges")


@pytest.mark.django_db
def test_guidance_page_renders_govuk_blocks_and_breadcrumbs(client):
    page = GuidancePageFactory(
        parent=guidance_index(),
        title="Staged funding explained",
        audience=GuidancePage.Audience.SUPPLIERS,
        body__0__heading="Phase 1: feasibility",
        body__1__inset="Most feasibility contracts are worth up to £100,000.",
        body__2__warning="You must hold a phase 1 contract to apply for phase 2.",
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Staged funding explained</h1>' in html
    assert '<span class="govuk-caption-l">For suppliers</span>' in html
    assert '<h2 class="govuk-heading-m">Phase 1: feasibility</h2>' in html
    assert '<div class="govuk-inset-text">Most feasibility contracts' in html
    assert '<span class="govuk-visually-hidden">Warning</span> You must hold' in html
    assert '<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<a class="govuk-breadcrumbs__link" href="/">Home</a>' in html
    assert '<a class="govuk-breadcrumbs__link" href="/guidance/">Guidance</a>' in html


@pytest.mark.django_db
def test_guidance_index_lists_live_children_and_filters_by_audience(client):
    index = guidance_index()
    GuidancePageFactory(parent=index, title="For buyers only", audience="buyers")
    GuidancePageFactory(parent=index, title="For suppliers only", audience="suppliers")
    GuidancePageFactory(parent=index, title="For everyone", audience="everyone")
    GuidancePageFactory(parent=index, title="Unpublished draft", live=False)

    html = client.get("/guidance/").content.decode()
    for title in ("For buyers only", "For suppliers only", "For everyone"):
        assert title in html
    assert "Unpublished draft" not in html

    html = client.get("/guidance/?audience=suppliers").content.decode()
    assert "For suppliers only" in html
    assert "For everyone" in html
    assert "For buyers only" not in html

    # Junk in the filter is ignored rather than raising an error.
    response = client.get("/guidance/?audience=" + "x" * 10_000)
    assert response.status_code == 200
    assert "For buyers only" in response.content.decode()


@pytest.mark.django_db
def test_standard_page_has_breadcrumbs_and_intro(client):
    page = StandardPageFactory(parent=home_page(), title="Accessibility statement")
    html = client.get(page.url).content.decode()
    assert '<h1 class="govuk-heading-l">Accessibility statement</h1>' in html
    assert "What this service is for." in html
    assert '<a class="govuk-breadcrumbs__link" href="/">Home</a>' in html


@pytest.mark.django_db
def test_site_settings_name_the_service_and_contact(client):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.service_name = "Find and fund innovation"
    site_settings.contact_email = "help@example.gov.uk"
    site_settings.save()
    html = client.get("/guidance/").content.decode()
    assert "<title>Guidance – Find and fund innovation</title>" in html
    assert 'href="mailto:help@example.gov.uk"' in html


@pytest.mark.django_db
def test_page_titles_name_the_page_then_the_service_once(client):
    home = client.get("/").content.decode()
    assert "<title>Innovation Marketplace</title>" in home

    guidance = client.get("/guidance/").content.decode()
    title = guidance.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith(" – Innovation Marketplace")
    assert title.count("Innovation Marketplace") == 1
