"""PostgreSQL: a GIN index on the certificates a supplier holds, so "holds Cyber Essentials in
date" first finds the holders from the index (``?|``) and checks the date on those rows only,
instead of reading the expiry of every entry."""

from django.db import migrations

CERTIFICATE_INDEX = "search_supplier_certificates"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {CERTIFICATE_INDEX} ON search_supplierentry USING gin (certified_until)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {CERTIFICATE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_term_kinds_without_certification"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
