"""A supplier's capabilities and certificates move from term rows onto its entry, as JSON
objects (see search/models.py), so filters and facets over them read only the entry row. Entries
already written are converted here; no reindex is needed."""

from collections import defaultdict

from django.db import migrations, models

CAPABILITY_INDEX = "search_supplier_capabilities"


def move_terms_to_entries(apps, schema_editor):
    Entry = apps.get_model("search", "SupplierEntry")
    Term = apps.get_model("search", "SupplierTerm")
    capabilities = defaultdict(dict)
    certified_until = defaultdict(dict)
    moved = Term.objects.filter(kind__in=("capability", "certification"))
    for entry_id, kind, value, expires_on in moved.values_list(
        "entry_id", "kind", "value", "expires_on"
    ).iterator():
        if kind == "capability":
            capabilities[entry_id][value] = 1
        elif expires_on is not None:
            day = expires_on.toordinal()
            certified_until[entry_id][value] = max(day, certified_until[entry_id].get(value, 0))
    for entry in Entry.objects.filter(pk__in=set(capabilities) | set(certified_until)).iterator():
        entry.capabilities = capabilities.get(entry.pk, {})
        entry.certified_until = certified_until.get(entry.pk, {})
        entry.save(update_fields=["capabilities", "certified_until"])
    Term.objects.filter(kind__in=("capability", "capability_top", "certification")).delete()


def create_capability_index(apps, schema_editor):
    # PostgreSQL: "has any of these capabilities" (``?|``) answered from a GIN index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {CAPABILITY_INDEX} ON search_supplierentry USING gin (capabilities)"
        )


def drop_capability_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {CAPABILITY_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplierentry",
            name="capabilities",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="supplierentry",
            name="certified_until",
            field=models.JSONField(default=dict),
        ),
        # Not reversible: going back, run ``manage.py search_reindex`` to rebuild the terms.
        migrations.RunPython(move_terms_to_entries, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="supplierterm",
            name="expires_on",
        ),
        migrations.RunPython(create_capability_index, drop_capability_index),
    ]
