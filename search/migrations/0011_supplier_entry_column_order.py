"""PostgreSQL: the supplier entry table rebuilt with the columns that a text search reads
first. A row's columns are read in order up to the last one a query needs, so facet counts
over a broad text search (60,000 of 100,000 suppliers) read past 20 columns to reach
``facet_key``, the last. With it fourth, that statement took 49 ms rather than 71 ms.

The rows are copied into a new table with the same columns, constraints and indexes (read
from PostgreSQL's catalogue), which then takes the old one's name, in one transaction; then
``VACUUM ANALYZE`` (so the migration is not atomic). The table is locked meanwhile: 3 s at
100,000 suppliers. What PostgreSQL keeps on the table itself beyond its columns, constraints
and indexes is not copied: privileges granted by hand to other roles, a publication for
logical replication, per-column statistics targets. A table already in this order is left
alone, so running it again is harmless. A column added later goes at the end, which is where
it should go unless a search reads it. Other databases: nothing to do."""

from django.db import migrations, transaction

TABLE = "search_supplierentry"
FIRST = (
    "supplier_id",
    "certificate_bits",
    "certificates_all_in_date_until",
    "facet_key",
    "vector",
    "is_sme",
    "region",
    "certified_until",
    "size_band",
    "is_vcse",
)


def rebuild_with_columns_first(cursor, table: str, first) -> bool:
    """Rebuild ``table`` with the columns ``first`` first, then the others in their order.
    Returns False (and does nothing) when they are first already."""
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute AS a "
        "LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        [table],
    )
    columns = {name: (kind, not_null, default) for name, kind, not_null, default in cursor}
    order = [c for c in first if c in columns] + [c for c in columns if c not in first]
    if order == list(columns):
        return False
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass ORDER BY contype <> 'p', conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index AS i WHERE i.indrelid = "
        "%s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c "
        "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
        [table],
    )
    indexes = [definition for (definition,) in cursor.fetchall()]
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    references = cursor.fetchall()

    definitions = []
    for name in order:
        kind, not_null, default = columns[name]
        definition = f'"{name}" {kind}' + (" NOT NULL" if not_null else "")
        definitions.append(definition + (f" DEFAULT {default}" if default else ""))
    names = ", ".join(f'"{name}"' for name in order)
    new = f"{table}__rebuilt"
    # Deferred foreign key checks still to run would stop the old table being dropped.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for other, name, _definition in references:
        cursor.execute(f'ALTER TABLE {other} DROP CONSTRAINT "{name}"')
    cursor.execute(f"CREATE TABLE {new} ({', '.join(definitions)})")
    cursor.execute(f"INSERT INTO {new} ({names}) SELECT {names} FROM {table}")  # noqa: S608
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for definition in indexes:
        cursor.execute(definition)
    for other, name, definition in references:
        cursor.execute(f'ALTER TABLE {other} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f"ANALYZE {table}")
    return True


def reorder_table(schema_editor, table: str, first) -> None:
    """PostgreSQL: rebuild ``table`` with the columns ``first`` first (in one transaction),
    then vacuum it. Migration 0013 calls it too."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        rebuilt = rebuild_with_columns_first(cursor, table, first)
    if rebuilt:
        # A new table's pages are not yet marked all-visible, so until a vacuum its covering
        # indexes would send every index-only scan to the table.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")


def reorder(apps, schema_editor):
    reorder_table(schema_editor, TABLE, FIRST)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0010_weight_tier_indexes"),
    ]

    operations = [
        migrations.RunPython(reorder, migrations.RunPython.noop, atomic=False),
    ]
