from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "marketplace.home"
    label = "home"
    verbose_name = "Home and guidance"
