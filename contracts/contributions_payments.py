"""Registry contributions of the contracts app's payments part."""


def register() -> None:
    """Import the payment tasks so Celery registers them with the app."""
    from . import payment_tasks  # noqa: F401
