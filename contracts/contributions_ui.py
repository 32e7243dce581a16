"""Registry contributions of the contracts app's ui part."""


def register() -> None:
    """Nothing yet."""
