"""Supplier entries get ``facet_key`` (see search/models.py), by which facet counts group the
matching entries; entries already written are filled in from their own columns, so no reindex
is needed. The location index becomes a covering index, and a covering index on the key lets
the directory count its facets without reading the table (PostgreSQL; other databases index
the fields only)."""

from django.db import migrations, models

BATCH = 2_000


def fill_facet_keys(apps, schema_editor):
    # The same words as search.models.supplier_facet_key, which a migration must not import.
    Entry = apps.get_model("search", "SupplierEntry")
    Capability = apps.get_model("suppliers", "Capability")
    headings = set(Capability.objects.filter(parent__isnull=True).values_list("slug", flat=True))
    entries = Entry.objects.only("pk", "size_band", "region", "is_vcse", "capabilities")
    batch = []
    for entry in entries.iterator(chunk_size=BATCH):
        pairs = [
            ("size_band", entry.size_band),
            ("region", entry.region),
            ("vcse", "true" if entry.is_vcse else "false"),
        ]
        pairs += [("capability", slug) for slug in sorted(headings & set(entry.capabilities))]
        entry.facet_key = " ".join(f"{name}:{value}" for name, value in pairs if value)
        batch.append(entry)
        if len(batch) >= BATCH:
            Entry.objects.bulk_update(batch, ["facet_key"])
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, ["facet_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_certificate_index"),
        ("suppliers", "0004_identity_review_and_money_limit"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="supplierentry",
            name="search_supplier_latlon",
        ),
        migrations.AddField(
            model_name="supplierentry",
            name="facet_key",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill_facet_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["latitude", "longitude"],
                include=(
                    "supplier",
                    "is_sme",
                    "size_band",
                    "is_vcse",
                    "region",
                    "rating_average",
                    "rating_count",
                    "new_to_public_sector",
                    "facet_key",
                    "certified_until",
                ),
                name="search_supplier_near",
            ),
        ),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["facet_key"],
                include=("certified_until", "is_sme"),
                name="search_supplier_facets",
            ),
        ),
    ]
