import factory
import wagtail_factories
from wagtail.rich_text import RichText
from wagtail_factories.blocks import BlockFactory

from marketplace.home import blocks as home_blocks
from marketplace.home.models import GuidanceIndexPage, GuidancePage, HomePage, StandardPage


class HeadingBlockFactory(BlockFactory):
    value = "A heading"

    class Meta:
        model = home_blocks.HeadingBlock


class ParagraphBlockFactory(BlockFactory):
    value = factory.LazyFunction(lambda: RichText("<p>A paragraph.</p>"))

    class Meta:
        model = home_blocks.ParagraphBlock


class InsetBlockFactory(BlockFactory):
    value = "Something to note."

    class Meta:
        model = home_blocks.InsetBlock


class WarningBlockFactory(BlockFactory):
    value = "Something you must not miss."

    class Meta:
        model = home_blocks.WarningBlock


class GuidanceStreamFactory(wagtail_factories.StreamBlockFactory):
    heading = factory.SubFactory(HeadingBlockFactory)
    paragraph = factory.SubFactory(ParagraphBlockFactory)
    inset = factory.SubFactory(InsetBlockFactory)
    warning = factory.SubFactory(WarningBlockFactory)

    class Meta:
        model = home_blocks.GuidanceStreamBlock


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"About page {n}")
    intro = "What this service is for."
    body = "<p>Body text.</p>"

    class Meta:
        model = StandardPage


class GuidanceIndexPageFactory(wagtail_factories.PageFactory):
    title = "Guidance"
    intro = "How to take part."

    class Meta:
        model = GuidanceIndexPage


class GuidancePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Guidance page {n}")
    summary = "What you need to know."
    audience = GuidancePage.Audience.EVERYONE
    body = wagtail_factories.StreamFieldFactory(GuidanceStreamFactory)

    class Meta:
        model = GuidancePage


def home_page() -> HomePage:
    return HomePage.objects.get()


def guidance_index() -> GuidanceIndexPage:
    """The index the data migration made under the home page."""
    return GuidanceIndexPage.objects.get()
