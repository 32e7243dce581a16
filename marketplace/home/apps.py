from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "marketplace.home"
    label = "home"
    verbose_name = "Home and guidance"

    def ready(self) -> None:
        """What home contributes to core's extension points: the Guidance link, demo content."""
        from marketplace.core.registry import DemoSeeder, NavItem, register

        from . import demo

        register(
            NavItem(key="guidance", label="Guidance", url_name="", href="/guidance/", order=30)
        )
        register(DemoSeeder(key="home", run=demo.seed_content, order=20))
