"""After 0008 wrote a vector into every entry, each entry table holds a dead copy of every row
and its indexes twice the entries: on 100,000 suppliers the capability search ran 2.5 times
slower (29 to 72 ms p50) until the table was compacted. PostgreSQL: ``VACUUM FULL ANALYZE``
rewrites both entry tables and their indexes (2.6 s at 100,000 suppliers, with the tables
locked meanwhile). It cannot run in a transaction, so this migration is not atomic; running it
again is harmless. Other databases: nothing to do."""

from django.db import migrations

TABLES = ("search_supplierentry", "search_challengeentry")


def compact(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM FULL ANALYZE {table}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0008_unit_vectors"),
    ]

    operations = [
        migrations.RunPython(compact, migrations.RunPython.noop, atomic=False),
    ]
