from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Rules permissions, and what accounts contributes to core's extension points."""
        from django.urls import reverse

        from marketplace.core.registry import (
            DashboardPanel,
            DemoSeeder,
            NavItem,
            StaffQueue,
            register,
        )

        from . import demo, permissions, selectors

        permissions.register_rules()
        register(
            NavItem(
                key="dashboard",
                label="Your dashboard",
                url_name="accounts:dashboard",
                order=90,
                visible=lambda request: request.user.is_authenticated,
            )
        )
        register(
            DemoSeeder(
                key="accounts",
                run=demo.seed_accounts,
                order=10,
                accounts=demo.accounts_table,
                note=demo.TOTP_NOTE,
            )
        )
        # Buying organisation registrations: the dashboard route and the staff queue.
        register(
            DashboardPanel(
                key="buyer_registration",
                template="accounts/buyers/_dashboard_panel.html",
                context=selectors.buyer_dashboard_panel,
                order=40,
            )
        )
        register(
            StaffQueue(
                key="buyer_registrations",
                label="Buying organisation registrations",
                summary=selectors.buyer_registration_queue_summary,
                url=lambda: reverse("buyer_registrations:index") + "?verification_status=pending",
                order=5,
            )
        )
