"""Entries keep their point also as a unit vector (see search/geo.py): "within r miles" then
tests a dot product per row instead of computing each distance. Entries already written are
filled in from their own latitude and longitude, so no reindex is needed. The supplier covering
index carries the new columns, and a narrow index on the point serves searches near a place
that count no facets."""

import math

from django.db import migrations, models

BATCH = 2_000

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
    "certificate_bits",
    "certificates_all_in_date_until",
)
UNIT = ("unit_x", "unit_y", "unit_z")


def unit_vector(latitude, longitude):
    # search.geo.unit_vector as it stood when this migration was written (a migration must not
    # import application code, which may change later).
    phi, lmb = math.radians(latitude), math.radians(longitude)
    return math.cos(phi) * math.cos(lmb), math.cos(phi) * math.sin(lmb), math.sin(phi)


def _update(Entry, batch, connection):
    """Write a batch of (pk, x, y, z): PostgreSQL in one statement (the ORM's bulk_update
    would take a minute and a half for 100,000 entries), other databases through the ORM."""
    if connection.vendor == "postgresql":
        table, pk = Entry._meta.db_table, Entry._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET unit_x = v.x, unit_y = v.y, unit_z = v.z "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[]) "
                f"AS v(id, x, y, z) WHERE {table}.{pk} = v.id",
                [list(column) for column in zip(*batch, strict=True)],
            )
        return
    entries = [Entry(pk=pk, unit_x=x, unit_y=y, unit_z=z) for pk, x, y, z in batch]
    Entry.objects.bulk_update(entries, UNIT)


def fill_unit_vectors(apps, schema_editor):
    for model in ("SupplierEntry", "ChallengeEntry"):
        Entry = apps.get_model("search", model)
        located = Entry.objects.filter(latitude__isnull=False, longitude__isnull=False)
        batch = []
        for pk, lat, lon in located.values_list("pk", "latitude", "longitude").iterator(
            chunk_size=BATCH
        ):
            batch.append((pk, *unit_vector(lat, lon)))
            if len(batch) >= BATCH:
                _update(Entry, batch, schema_editor.connection)
                batch = []
        if batch:
            _update(Entry, batch, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_search_alerts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="supplierentry", name="search_supplier_near"),
        *(
            migrations.AddField(model_name=model, name=name, field=models.FloatField(null=True))
            for model in ("supplierentry", "challengeentry")
            for name in UNIT
        ),
        migrations.RunPython(fill_unit_vectors, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["latitude", "longitude"],
                include=(*NEAR_INCLUDE, *UNIT),
                name="search_supplier_near",
            ),
        ),
        migrations.AddIndex(
            model_name="supplierentry",
            index=models.Index(
                fields=["latitude", "longitude"],
                include=("supplier", "is_sme", *UNIT),
                name="search_supplier_point",
            ),
        ),
    ]
