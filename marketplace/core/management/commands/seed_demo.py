"""``manage.py seed_demo``: a believable local world to click through. Safe to run again."""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.core import demo


class Command(BaseCommand):
    help = (
        "Create demo organisations, one account per role, guidance pages and (when the "
        "suppliers app provides it) demo suppliers. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo passwords are public: never on a live site.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a live site. seed_demo creates accounts with "
                "published passwords. If this is a local or throwaway environment, run it "
                "again with --force."
            )
        demo.seed_accounts(self.stdout)
        demo.seed_content(self.stdout)
        self._seed_suppliers()
        self._print_accounts()

    def _seed_suppliers(self) -> None:
        # The suppliers app ships its own demo data; it may not exist yet in every checkout.
        try:
            spec = importlib.util.find_spec("suppliers.demo")
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            self.stdout.write("No suppliers.demo module: skipped demo suppliers.")
            return
        module = importlib.import_module("suppliers.demo")
        if not hasattr(module, "seed"):
            self.stdout.write("suppliers.demo has no seed(): skipped demo suppliers.")
            return
        module.seed(stdout=self.stdout)

    def _print_accounts(self) -> None:
        organisations = {org.slug: org.name for org in demo.DEMO_ORGANISATIONS}
        rows = [
            (
                account.email,
                account.password,
                "Platform admin" if account.staff else account.role.label,
                organisations.get(account.organisation, "-"),
                "yes" if account.two_factor else "no",
            )
            for account in demo.DEMO_ACCOUNTS
        ]
        headers = ("Email", "Password", "Role", "Organisation", "Two-factor")
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
        self.stdout.write("")
        self.stdout.write(
            "Two-factor accounts share the authenticator secret "
            f"{demo.DEMO_TOTP_SECRET}. Add it to an authenticator app, or run "
            "`python manage.py demo_totp` for the current 6-digit code (each code works once)."
        )
