"""PostgreSQL: GIN indexes on the part of each entry's text vector with weight A (the name) and
with weight A or B (the name and capabilities). A one-word search in relevance order reads its
page from the first of these that holds it (``search.backends.database._top_tier_page``), so it
ranks a few thousand matches, not every one. Other databases: nothing to do."""

from django.db import migrations

TIER_INDEXES = (
    ("search_supplierentry", "search_supplier_vector_a", "{a}"),
    ("search_supplierentry", "search_supplier_vector_ab", "{a,b}"),
    ("search_challengeentry", "search_challenge_vector_a", "{a}"),
    ("search_challengeentry", "search_challenge_vector_ab", "{a,b}"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, weights in TIER_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (ts_filter(vector, %s))",
            [weights],
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _weights in TIER_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_compact_entries"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
