"""PostgreSQL: the supplier entry table rebuilt again with the columns a text search reads
first, now with ``facet_code`` and ``capability_code`` (migration 0012 added them at the end)
and ``certified_until`` before the text vector. Facet counts read a row up to the last column they need, and every
entry's certificates are read as one expression: with ``certified_until`` after the vector,
each row was read past it. Facet counts over "data" (60,000 of 100,000 suppliers) then take
30 ms rather than 50 ms. How the rebuild works, and what it does not keep: migration 0011."""

from importlib import import_module

from django.db import migrations, transaction

TABLE = "search_supplierentry"
FIRST = (
    "supplier_id",
    "certificate_bits",
    "certificates_all_in_date_until",
    "facet_code",
    "capability_code",
    "certified_until",
    "vector",
    "is_sme",
    "region",
    "size_band",
    "is_vcse",
)

# Migration files do not change once released, so its function is the one that ran then.
rebuild_with_columns_first = import_module(
    "search.migrations.0011_supplier_entry_column_order"
).rebuild_with_columns_first


def reorder(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        rebuilt = rebuild_with_columns_first(cursor, TABLE, FIRST)
    if rebuilt:
        # As in 0011: the covering indexes need the new table's pages marked all-visible.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {TABLE}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0012_supplier_facet_codes"),
    ]

    operations = [
        migrations.RunPython(reorder, migrations.RunPython.noop, atomic=False),
    ]
