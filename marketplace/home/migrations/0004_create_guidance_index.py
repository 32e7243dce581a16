"""Create /guidance/ under the home page and give the home page its "How it works" steps.

Pages are inserted with historical models, so the treebeard path is worked out by hand.
"""

from django.db import migrations

from marketplace.home.content import GUIDANCE_INDEX, HOW_IT_WORKS

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_child_path(parent, page_model) -> str:
    last = (
        page_model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    number = 0
    if last is not None:
        number = int(last.path[-STEPLEN:], 36)
    step, value = "", number + 1
    while value:
        value, digit = divmod(value, 36)
        step = ALPHABET[digit] + step
    return parent.path + step.rjust(STEPLEN, "0")


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("home.HomePage")
    GuidanceIndexPage = apps.get_model("home.GuidanceIndexPage")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return  # seed_demo creates the section when a home page is added later
    if not home.how_it_works:
        home.how_it_works = HOW_IT_WORKS
        home.save(update_fields=["how_it_works"])
    if GuidanceIndexPage.objects.exists():
        return
    if Page.objects.filter(
        path__startswith=home.path, depth=home.depth + 1, slug=GUIDANCE_INDEX["slug"]
    ).exists():
        return  # an editor already used the slug; leave their page alone

    content_type, _ = ContentType.objects.get_or_create(app_label="home", model="guidanceindexpage")
    GuidanceIndexPage.objects.create(
        title=GUIDANCE_INDEX["title"],
        draft_title=GUIDANCE_INDEX["title"],
        slug=GUIDANCE_INDEX["slug"],
        intro=GUIDANCE_INDEX["intro"],
        content_type=content_type,
        locale_id=home.locale_id,
        path=_next_child_path(home, Page),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{GUIDANCE_INDEX['slug']}/",
        live=True,
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    GuidanceIndexPage = apps.get_model("home.GuidanceIndexPage")
    for index_page in GuidanceIndexPage.objects.filter(numchild=0):
        parent = Page.objects.get(path=index_page.path[:-STEPLEN])
        index_page.delete()
        Page.objects.filter(pk=parent.pk).update(numchild=max(parent.numchild - 1, 0))


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_homepage_sections_guidance"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
