"""Seed the allow-list with the domains most UK public bodies use. Staff extend it in the admin."""

from django.db import migrations

DOMAINS = [
    ("gov.uk", "UK, English and local government"),
    ("nhs.uk", "NHS organisations"),
    ("nhs.net", "NHS staff email"),
    ("nhs.scot", "NHS Scotland"),
    ("hscni.net", "Health and Social Care Northern Ireland"),
    ("wales.nhs.uk", "NHS Wales"),
    ("police.uk", "Police forces"),
    ("pnn.police.uk", "Police National Network"),
    ("mod.uk", "Ministry of Defence"),
    ("parliament.uk", "UK Parliament"),
    ("gov.scot", "Scottish Government"),
    ("scot.nhs.uk", "NHS Scotland (older addresses)"),
    ("gov.wales", "Welsh Government"),
    ("llyw.cymru", "Welsh Government (Welsh language)"),
    ("gov.ni", "Northern Ireland Executive"),
    ("nics.gov.uk", "Northern Ireland Civil Service"),
    ("ac.uk", "Universities and colleges"),
    ("sch.uk", "Schools"),
    ("fire.uk", "Fire and rescue services"),
    ("judiciary.uk", "Courts and tribunals judiciary"),
]


def seed(apps, schema_editor):
    PublicSectorDomain = apps.get_model("accounts", "PublicSectorDomain")
    for domain, hint in DOMAINS:
        PublicSectorDomain.objects.get_or_create(
            domain=domain, defaults={"organisation_hint": hint}
        )


def unseed(apps, schema_editor):
    PublicSectorDomain = apps.get_model("accounts", "PublicSectorDomain")
    PublicSectorDomain.objects.filter(
        domain__in=[d for d, _ in DOMAINS], added_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_buyer_organisation_verification")]

    operations = [migrations.RunPython(seed, unseed)]
