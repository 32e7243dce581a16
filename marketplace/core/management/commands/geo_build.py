"""Build the offline postcode lookup files in settings.GEO_DATA_DIR."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from marketplace.core import geo


class Command(BaseCommand):
    help = (
        "Build the compact postcode lookup (sorted binary records plus a JSON side table) "
        "from the ONS postcode directory package. Lookups build it on first use if it is "
        "missing; run this at deploy time so no request pays for it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=None,
            help="Directory to write to (default: settings.GEO_DATA_DIR)",
        )

    def handle(self, *args, **options):
        data_dir = Path(options["data_dir"] or settings.GEO_DATA_DIR)
        stats = geo.build(data_dir)
        geo.reset_cache()
        self.stdout.write(
            self.style.SUCCESS(
                f"Built postcode lookup in {data_dir}: {stats.records:,} postcodes "
                f"({stats.skipped:,} skipped: no coordinates or an old terminated format), "
                f"{stats.outward_codes:,} outward codes, {stats.districts} districts, "
                f"{stats.bin_bytes / 1e6:.1f} MB + {stats.meta_bytes / 1e3:.0f} kB, "
                f"{stats.seconds:.1f} s, peak memory {stats.peak_rss_mb:.0f} MB"
            )
        )
