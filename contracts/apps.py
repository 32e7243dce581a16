from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts and payments"

    def ready(self) -> None:
        from .registry import register_contributions

        register_contributions()
