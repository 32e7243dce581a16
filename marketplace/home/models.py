"""Editorial pages. Domain state never lives here: pages only describe and link."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from marketplace.core.registry import HomeSection, shown

from .blocks import AUDIENCE_CHOICES, GuidanceStreamBlock, HowItWorksBlock


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    service_name = models.CharField(max_length=100, default="Innovation Marketplace")
    contact_email = models.EmailField(default="support@marketplace.localhost")

    panels = [FieldPanel("service_name"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = "Site settings"


class HomePage(Page):
    hero_heading = models.CharField(max_length=120, default="Buy innovation by posting a challenge")
    hero_text = models.TextField(blank=True)
    hero_button_text = models.CharField(max_length=60, blank=True, default="Create an account")
    hero_button_link = models.CharField(
        max_length=255,
        blank=True,
        default="/accounts/signup/",
        help_text="A path on this site such as /accounts/signup/, or a full web address.",
    )
    how_it_works = StreamField(
        [("how_it_works", HowItWorksBlock())],
        blank=True,
        max_num=2,
        help_text="One list of steps for buyers and one for suppliers.",
    )
    challenges_heading = models.CharField(max_length=120, default="Latest open challenges")
    challenges_count = models.PositiveSmallIntegerField(
        default=3, help_text="How many open challenges to show (0 hides the list)."
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_button_text"),
                FieldPanel("hero_button_link"),
            ],
            heading="Hero",
        ),
        FieldPanel("how_it_works"),
        MultiFieldPanel(
            [FieldPanel("challenges_heading"), FieldPanel("challenges_count")],
            heading="Latest open challenges",
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.StandardPage", "home.GuidanceIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Sections other apps contribute (HomeSection in their AppConfig.ready()), such as the
        # latest open challenges. Their templates see ``page`` (heading, count) as well.
        context["home_sections"] = shown(HomeSection, request)
        return context


class StandardPage(Page):
    intro = models.TextField(blank=True)
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]


class GuidanceIndexPage(Page):
    """The /guidance/ section: lists its guidance pages, optionally for one audience."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.GuidancePage"]
    max_count = 1

    def guidance_pages(self, audience: str = ""):
        pages = GuidancePage.objects.child_of(self).live().public().order_by("path")
        if audience in GuidancePage.Audience.values:
            pages = pages.filter(audience__in=[audience, GuidancePage.Audience.EVERYONE])
        return pages

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        audience = request.GET.get("audience", "")
        context["audience"] = audience if audience in GuidancePage.Audience.values else ""
        context["audience_choices"] = AUDIENCE_CHOICES
        context["guidance_pages"] = self.guidance_pages(context["audience"])
        return context


class GuidancePage(Page):
    class Audience(models.TextChoices):
        BUYERS = "buyers", "For buyers"
        SUPPLIERS = "suppliers", "For suppliers"
        EVERYONE = "everyone", "For buyers and suppliers"

    summary = models.TextField(
        max_length=300, help_text="One or two sentences shown in lists and search results."
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    body = StreamField(GuidanceStreamBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("audience"),
    ]
    parent_page_types = ["home.GuidanceIndexPage"]
    subpage_types: list[str] = []
