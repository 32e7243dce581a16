"""Reference data every environment needs: the 12 ITL1 regions and the capabilities taxonomy.

Admins edit capabilities later in the CMS; this migration only creates what is missing.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

REGIONS = [
    ("TLC", "North East"),
    ("TLD", "North West"),
    ("TLE", "Yorkshire and The Humber"),
    ("TLF", "East Midlands"),
    ("TLG", "West Midlands"),
    ("TLH", "East of England"),
    ("TLI", "London"),
    ("TLJ", "South East"),
    ("TLK", "South West"),
    ("TLL", "Wales"),
    ("TLM", "Scotland"),
    ("TLN", "Northern Ireland"),
]

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "capabilities.json"


def seed(apps, schema_editor):
    Region = apps.get_model("suppliers", "Region")
    Capability = apps.get_model("suppliers", "Capability")
    for order, (code, name) in enumerate(REGIONS):
        Region.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for heading in json.loads(TAXONOMY.read_text()):
        parent, _ = Capability.objects.get_or_create(
            slug=slugify(heading["name"]),
            defaults={"name": heading["name"], "order": heading["order"]},
        )
        for child in heading["children"]:
            Capability.objects.get_or_create(
                slug=slugify(child["name"]),
                defaults={"name": child["name"], "order": child["order"], "parent": parent},
            )


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
