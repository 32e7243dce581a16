"""Registry contributions of the contracts app's payments part."""


def register() -> None:
    """Nothing yet."""
