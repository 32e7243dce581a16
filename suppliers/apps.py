from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        """Rules permissions, and what suppliers contributes to core's extension points: the
        directory link, the dashboard panel, the staff review queue, demo suppliers and the
        /api/v1/suppliers router."""
        from django.urls import reverse

        from marketplace.core.registry import (
            ApiRouter,
            DashboardPanel,
            DemoSeeder,
            NavItem,
            StaffQueue,
            register,
        )

        from . import api, demo, permissions, selectors

        permissions.register_rules()
        register(
            NavItem(key="suppliers", label="Suppliers", url_name="suppliers:directory", order=20)
        )
        register(
            DashboardPanel(
                key="suppliers",
                template="suppliers/dashboard/_panel.html",
                context=selectors.dashboard_panel,
                order=50,
            )
        )
        register(
            StaffQueue(
                key="supplier_profiles",
                label="Supplier profiles",
                summary=selectors.review_queue_summary,
                url=lambda: reverse("supplier_review:index") + "?status=submitted",
                order=10,
            )
        )
        register(
            StaffQueue(
                key="supplier_identity_changes",
                label="Supplier identity changes",
                summary=selectors.identity_changes_queue_summary,
                url=lambda: reverse("supplier_review:index"),
                order=20,
            )
        )
        register(DemoSeeder(key="suppliers", run=lambda stdout: demo.seed(stdout=stdout), order=50))
        register(ApiRouter(key="suppliers", prefix="/suppliers", router=api.router))
