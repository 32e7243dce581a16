"""Supplier entries keep their certificates also as two integers (see search/models.py): the
schemes held as bits, and the earliest expiry. Facet counts then test integers for most
entries instead of reading JSON. Entries already written are filled in from their own
``certified_until``, so no reindex is needed. Both covering indexes carry the new columns."""

from django.db import migrations, models

BATCH = 2_000

# search.models.CERTIFICATE_BITS as it stood when this migration was written (a migration must
# not import the model module, which may change later).
CERTIFICATE_BITS = {
    "cyber_essentials": 1 << 0,
    "cyber_essentials_plus": 1 << 1,
    "iso_27001": 1 << 2,
    "iso_9001": 1 << 3,
    "iso_14001": 1 << 4,
    "other": 1 << 5,
}

NEAR_INCLUDE = (
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
)


def fill_certificate_columns(apps, schema_editor):
    Entry = apps.get_model("search", "SupplierEntry")
    holders = Entry.objects.exclude(certified_until={}).only("pk", "certified_until")
    batch = []
    for entry in holders.iterator(chunk_size=BATCH):
        bits = 0
        for scheme in entry.certified_until:
            bits |= CERTIFICATE_BITS[scheme]
        entry.certificate_bits = bits
        entry.certificates_all_in_date_until = min(entry.certified_until.values())
        batch.append(entry)
        if len(batch) >= BATCH:
            Entry.objects.bulk_update(
                batch, ["certificate_bits", "certificates_all_in_date_until"]
            )
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, ["certificate_bits", "certificates_all_in_date_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_facet_key_and_covering_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="supplierentry", name="search_supplier_near"),
        migrations.RemoveIndex(model_name="supplierentry", name="search_supplier_facets"),
        migrations.AddField(
            model_name="supplierentry",
            name="certificate_bits",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="supplierentry",
            name="certificates_all_in_date_until",
            field=models.IntegerField(null=True),
        ),
        migrations.RunPython(fill_certificate_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["latitude", "longitude"],
                include=(
                    *NEAR_INCLUDE,
                    "certificate_bits",
                    "certificates_all_in_date_until",
                ),
                name="search_supplier_near",
            ),
        ),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["facet_key"],
                include=(
                    "certified_until",
                    "certificate_bits",
                    "certificates_all_in_date_until",
                    "is_sme",
                ),
                name="search_supplier_facets",
            ),
        ),
    ]
