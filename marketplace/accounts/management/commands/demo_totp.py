"""``manage.py demo_totp``: the current sign-in code for the demo accounts' authenticator."""

import time

from allauth.mfa import app_settings
from django.core.management.base import BaseCommand

from marketplace.accounts import demo


class Command(BaseCommand):
    help = "Print the current 6-digit two-factor code for the demo accounts (local use only)."

    def handle(self, *args, **options):
        code = demo.current_demo_totp_code()
        period = app_settings.TOTP_PERIOD
        seconds_left = period - int(time.time()) % period
        self.stdout.write(code)
        self.stderr.write(
            f"Valid for about {seconds_left} more seconds (secret {demo.DEMO_TOTP_SECRET})."
        )
