"""Supplier entries are grouped for facet counts by integer codes of their facet key, not by
the key's words (see ``SupplierEntry.facet_code`` and ``capability_code``: one for the size
band, region and VCSE words, one for the capability words); ``SupplierFacetKey`` keeps the
words of each code. Entries already written get the codes of their own key, so no reindex is
needed. The covering indexes carry the codes in place of the key."""

import hashlib

from django.db import migrations, models


def facet_code(key: str) -> int:
    # The same code as search.models.supplier_facet_code, which a migration must not import.
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def split(key: str) -> tuple[str, str]:
    # As search.models.split_facet_key.
    words = key.split()
    capabilities = [word for word in words if word.startswith("capability:")]
    others = [word for word in words if not word.startswith("capability:")]
    return " ".join(others), " ".join(capabilities)


def fill_facet_codes(apps, schema_editor):
    Entry = apps.get_model("search", "SupplierEntry")
    FacetKey = apps.get_model("search", "SupplierFacetKey")
    keys = list(Entry.objects.order_by().values_list("facet_key", flat=True).distinct())
    parts = [split(key) for key in keys]
    words = {part: facet_code(part) for pair in parts for part in pair}
    FacetKey.objects.bulk_create(
        [FacetKey(code=code, key=key) for key, code in words.items()],
        ignore_conflicts=True,
        batch_size=1_000,
    )
    codes = [words[others] for others, _capabilities in parts]
    capability_codes = [words[capabilities] for _others, capabilities in parts]
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_supplierentry AS e "
                "SET facet_code = v.code, capability_code = v.capability_code "
                "FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) "
                "AS v(key, code, capability_code) WHERE e.facet_key = v.key",
                [keys, codes, capability_codes],
            )
        return
    for key, code, capability_code in zip(keys, codes, capability_codes, strict=True):
        Entry.objects.filter(facet_key=key).update(
            facet_code=code, capability_code=capability_code
        )


def fill_facet_keys(apps, schema_editor):
    # Back: each entry's key again from the words of its two codes.
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_supplierentry AS e SET facet_key = "
                "concat_ws(' ', nullif(k.key, ''), nullif(c.key, '')) "
                "FROM search_supplierfacetkey AS k, search_supplierfacetkey AS c "
                "WHERE k.code = e.facet_code AND c.code = e.capability_code"
            )
        return
    Entry = apps.get_model("search", "SupplierEntry")
    words = dict(apps.get_model("search", "SupplierFacetKey").objects.values_list("code", "key"))
    pairs = Entry.objects.order_by().values_list("facet_code", "capability_code").distinct()
    for code, capability_code in list(pairs):
        key = " ".join(part for part in (words[code], words[capability_code]) if part)
        Entry.objects.filter(facet_code=code, capability_code=capability_code).update(
            facet_key=key
        )


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
        migrations.AddField(
            model_name="supplierentry",
            name="capability_code",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(fill_facet_codes, fill_facet_keys),
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
                    "capability_code",
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
                fields=["facet_code", "capability_code"],
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
