"""Validators shared by every app's forms."""

import unicodedata

from django.core.exceptions import ValidationError

INVISIBLE_CHARACTERS_MESSAGE = (
    "Remove hidden formatting characters from the name "
    "(they can make text display in a misleading order)"
)


def has_invisible_characters(value: str) -> bool:
    """True when ``value`` holds a Unicode format character (category Cf).

    Cf covers the bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F),
    zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF) and the soft hyphen (U+00AD):
    characters that show nothing themselves but can reorder or hide what a reader sees, so a
    name can pass for another organisation's.
    """
    return any(unicodedata.category(ch) == "Cf" for ch in value or "")


def refuse_invisible_characters(value: str) -> None:
    """Refuse names and titles that hold hidden formatting characters. Use on every field that
    names something other people see: organisations, people, products, case studies."""
    if has_invisible_characters(value):
        raise ValidationError(INVISIBLE_CHARACTERS_MESSAGE, code="invisible_characters")
