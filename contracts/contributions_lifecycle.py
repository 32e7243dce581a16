"""Registry contributions of the contracts app's lifecycle part."""


def register() -> None:
    """Nothing yet."""
