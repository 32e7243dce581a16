"""PostgreSQL: two more parts of each entry's text vector to find a one-word page in, each with
a GIN index (see migration 0010 for the first two, and ``search.backends.database._TIERS`` for
why each part's matches outrank every other match):

- the words with weight A, or with weight B and found more than once in the entry;
- the words with weight A or B, or with weight C and found more than once.

A word that is in most entries' summaries but in few names or capabilities ("internet" in the
benchmark's 100,000 suppliers: 36,000 matches, none in a name or capability) then has its first
page ranked from the 7,000 entries with it more than once, not from all 36,000.

``search_words_above(vector, strong, repeated)`` is the part: the lexemes with any weight in
``strong``, or with any weight in ``repeated`` and more than one position. Immutable, so that it
can be indexed. Other databases: nothing to do."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION search_words_above(v tsvector, strong text[], repeated text[])
RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT array_to_tsvector(coalesce(array_agg(u.lexeme), '{}'::text[]))
    FROM unnest(v) AS u
    WHERE u.weights && strong OR (u.weights && repeated AND cardinality(u.positions) > 1)
$$
"""

TIER_INDEXES = (
    ("search_supplierentry", "search_supplier_vector_a_b2", "{A}", "{B}"),
    ("search_supplierentry", "search_supplier_vector_ab_c2", "{A,B}", "{C}"),
    ("search_challengeentry", "search_challenge_vector_a_b2", "{A}", "{B}"),
    ("search_challengeentry", "search_challenge_vector_ab_c2", "{A,B}", "{C}"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table, name, strong, repeated in TIER_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING gin (search_words_above(vector, %s::text[], %s::text[]))",
            [strong, repeated],
        )
    # The planner's estimate of how many entries a word matches in each part comes from the
    # statistics ANALYZE gathers on the indexes' expressions; without them it guesses 50.
    for table in dict.fromkeys(table for table, *_rest in TIER_INDEXES):
        schema_editor.execute(f"ANALYZE {table}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _strong, _repeated in TIER_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_words_above(tsvector, text[], text[])")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0013_supplier_entry_column_order"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
