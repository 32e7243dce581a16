from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Core's own contribution: the staff dashboard's "Waiting for review" panel."""
        from .registry import DashboardPanel, register
        from .staff_queues import waiting_for_review

        def staff_queues(request) -> dict | None:
            if not request.user.is_staff:
                return None
            queues = waiting_for_review()
            return {"queues": queues} if queues else None

        register(
            DashboardPanel(
                key="staff_queues",
                template="core/_waiting_for_review.html",
                context=staff_queues,
                order=10,
            )
        )
