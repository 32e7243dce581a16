"""The supplier location index also carries the columns the usual filters and sorts read, so
a search near a place counts and sorts its matches from the index alone (PostgreSQL; other
databases get a plain index on the two columns)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_certificate_index"),
        ("suppliers", "0004_identity_review_and_money_limit"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="supplierentry",
            name="search_supplier_latlon",
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
                ),
                name="search_supplier_near",
            ),
        ),
    ]
