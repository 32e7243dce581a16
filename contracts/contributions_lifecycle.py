"""Registry contributions of the contracts app's lifecycle part.

The lifecycle adds no navigation, panels or page actions of its own: contracts are made by the
``phase_decided`` receiver (``receivers.py``) and shown by the pages part
(``contributions_ui``). Kept so each part registers from its own module.
"""


def register() -> None:
    """Nothing to register."""
