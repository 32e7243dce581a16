"""Editorial pages. Domain state never lives here: pages only describe and link."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


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

    content_panels = [*Page.content_panels, FieldPanel("hero_heading"), FieldPanel("hero_text")]
    max_count = 1


class StandardPage(Page):
    intro = models.TextField(blank=True)
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
