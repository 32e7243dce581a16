"""Supplier entries are grouped for facet counts by an integer code of their facet key, not by
the key's words (see ``SupplierEntry.facet_code``); ``SupplierFacetKey`` keeps the words of each
code. Entries already written get the code of their own key, so no reindex is needed. The
covering indexes carry the code in place of the key."""

import hashlib

from django.db import migrations, models


def facet_code(key: str) -> int:
    # The same code as search.models.supplier_facet_code, which a migration must not import.
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def fill_facet_codes(apps, schema_editor):
    Entry = apps.get_model("search", "SupplierEntry")
    FacetKey = apps.get_model("search", "SupplierFacetKey")
    keys = list(Entry.objects.order_by().values_list("facet_key", flat=True).distinct())
    codes = [facet_code(key) for key in keys]
    FacetKey.objects.bulk_create(
        [FacetKey(code=code, key=key) for code, key in zip(codes, keys, strict=True)],
        ignore_conflicts=True,
        batch_size=1_000,
    )
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_supplierentry AS e SET facet_code = v.code "
                "FROM unnest(%s::text[], %s::bigint[]) AS v(key, code) WHERE e.facet_key = v.key",
                [keys, codes],
            )
        return
    for code, key in zip(codes, keys, strict=True):
        Entry.objects.filter(facet_key=key).update(facet_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0011_supplier_entry_column_order"),
        ("suppliers", "0004_identity_review_and_money_limit"),
    ]

    operations = [
        migrations.CreateModel(
            name="SupplierFacetKey",
            fields=[
                ("code", models.BigIntegerField(primary_key=True, serialize=False)),
                ("key", models.TextField()),
            ],
        ),
        migrations.AddField(
            model_name="supplierentry",
            name="facet_code",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(fill_facet_codes, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="supplierentry",
            name="search_supplier_facets",
        ),
        migrations.RemoveIndex(
            model_name="supplierentry",
            name="search_supplier_near",
        ),
        migrations.RemoveField(
            model_name="supplierentry",
            name="facet_key",
        ),
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
                    "facet_code",
                    "certified_until",
                    "certificate_bits",
                    "certificates_all_in_date_until",
                    "unit_x",
                    "unit_y",
                    "unit_z",
                ),
                name="search_supplier_near",
            ),
        ),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["facet_code"],
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
