"""Declared domain events the contracts app listens to (see ``challenges.signals``)."""


def connect() -> None:
    """Nothing yet: the lifecycle part connects ``phase_decided`` here."""
