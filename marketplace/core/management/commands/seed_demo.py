"""``manage.py seed_demo``: a believable local world to click through. Safe to run again.

Core knows no app: each app registers a ``DemoSeeder`` in its ``AppConfig.ready()`` (accounts:
organisations and one account per role; home: guidance and site settings; suppliers: demo
suppliers), and this command runs them in order, then prints the accounts they declare.
"""

import logging
from contextlib import ExitStack

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from marketplace.core.registry import DemoSeeder, contributions


class Command(BaseCommand):
    help = (
        "Create the demo world every installed app contributes: organisations, one account "
        "per role, guidance pages, demo suppliers. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo passwords are public: never on a live site.",
        )
        parser.add_argument(
            "--print-emails",
            action="store_true",
            help="Send the emails the demo story triggers to the configured backend. By "
            "default they are dropped, so the accounts table is not buried under them.",
        )

    def handle(self, *args, force: bool = False, print_emails: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a live site. seed_demo creates accounts with "
                "published passwords. If this is a local or throwaway environment, run it "
                "again with --force."
            )
        seeders = contributions(DemoSeeder)
        with ExitStack() as quiet:
            if not print_emails:
                # Building the story sends dozens of emails (alerts, receipts, decisions) and
                # inline Celery logs a line per task: neither helps someone starting the site.
                quiet.enter_context(
                    override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
                )
                trace = logging.getLogger("celery.app.trace")
                quiet.callback(trace.setLevel, trace.level)
                trace.setLevel(logging.WARNING)
            for seeder in seeders:
                if seeder.wraps:
                    quiet.enter_context(seeder.wraps())
            for seeder in seeders:
                seeder.run(self.stdout)
        self._print_accounts(seeders)

    def _print_accounts(self, seeders: list[DemoSeeder]) -> None:
        rows = [row for seeder in seeders if seeder.accounts for row in seeder.accounts()]
        if not rows:
            return
        headers = ("Role", "Email", "Password", "Two-factor")
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

        def line(values):
            return "  ".join(
                value.ljust(width) for value, width in zip(values, widths, strict=True)
            )

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (local use only):"))
        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
        for seeder in seeders:
            if seeder.note:
                self.stdout.write("")
                self.stdout.write(seeder.note)
