"""StreamField blocks for editorial pages. Kept shallow: one level of StructBlock at most."""

from wagtail import blocks

AUDIENCE_CHOICES = [("buyers", "For buyers"), ("suppliers", "For suppliers")]

# Rich text features an editor may use in guidance: enough for plain GOV.UK prose.
PROSE_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class StepBlock(blocks.StructBlock):
    """One step of a "How it works" list."""

    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)

    class Meta:
        icon = "list-ol"
        label = "Step"


class HowItWorksBlock(blocks.StructBlock):
    """Numbered steps for one audience, shown side by side on the home page."""

    audience = blocks.ChoiceBlock(choices=AUDIENCE_CHOICES)
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(StepBlock())

    class Meta:
        icon = "list-ol"
        label = "How it works"
        template = "home/blocks/how_it_works.html"


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = "Heading"
        template = "home/blocks/heading.html"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PROSE_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = "Paragraph"
        template = "home/blocks/paragraph.html"


class InsetBlock(blocks.TextBlock):
    """GOV.UK inset text: a quotation, example or extra information."""

    class Meta:
        icon = "openquote"
        label = "Inset text"
        template = "home/blocks/inset.html"


class WarningBlock(blocks.TextBlock):
    """GOV.UK warning text: something the reader must not miss (legal or money)."""

    class Meta:
        icon = "warning"
        label = "Warning text"
        template = "home/blocks/warning.html"


class GuidanceStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    inset = InsetBlock()
    warning = WarningBlock()


class HomeStreamBlock(blocks.StreamBlock):
    how_it_works = HowItWorksBlock()
    paragraph = ParagraphBlock()
