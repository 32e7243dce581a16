from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = "Challenges"

    def ready(self) -> None:
        from . import permissions
        from .registry import register_contributions

        permissions.register_rules()
        register_contributions()

        # --- Application side (CH2): dashboard panels and application permissions -----------
        from marketplace.core.registry import DashboardPanel, register

        from .selectors.applications import supplier_dashboard_context
        from .selectors.assessment import assessor_dashboard_context

        permissions.register_application_rules()
        register(
            DashboardPanel(
                key="challenges.supplier_applications",
                template="challenges/applications/_dashboard_supplier.html",
                context=supplier_dashboard_context,
                order=25,
            )
        )
        register(
            DashboardPanel(
                key="challenges.assessor",
                template="challenges/assessment/_dashboard_assessor.html",
                context=assessor_dashboard_context,
                order=26,
            )
        )
        # --- End of application side ----------------------------------------------------------

        # --- Demo data (CH3): demo challenges for seed_demo, after the demo suppliers ---------
        from marketplace.core.registry import DemoSeeder

        from . import demo

        register(
            DemoSeeder(
                key="challenges",
                run=lambda stdout: demo.seed(stdout),
                order=60,
                accounts=demo.accounts_table,
            )
        )
        # --- End of demo data ------------------------------------------------------------------
