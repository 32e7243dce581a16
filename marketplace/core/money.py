"""Money is always integer pence. These helpers convert only at the edges (forms, display).

``parse_gbp`` is the one parser for amounts a person types: every money form field goes
through it (via ``marketplace.core.forms.MoneyField``). It reads plain digits only, so
``NaN``, ``Infinity``, ``1e30`` and other things ``Decimal`` or ``float`` would accept are
refused with a message instead of reaching arithmetic that raises (a 500).
"""

import re

# £100 billion. Anything this size is a typing mistake (pence for pounds, a stray key), and it
# keeps every amount well inside a 64-bit column after any sum we do.
MAX_PENCE = 100_000_000_000 * 100
MAX_INPUT_LENGTH = 30  # "£100,000,000,000.00" with room for spaces

# Digits only (ASCII, so no Arabic-Indic or full-width digits), an optional minus sign and up
# to any number of decimals (checked separately so the message can say what is wrong).
_AMOUNT_RE = re.compile(r"(-?)([0-9]*)(?:\.([0-9]*))?", re.ASCII)

NUMBERS_ONLY_MESSAGE = "Enter an amount in pounds using numbers only, like 1500 or 1500.50"


def format_gbp(pence: int | None, *, show_pence: bool | None = None) -> str:
    """Format integer pence as pounds: 123456 -> "£1,234.56"; 100000 -> "£1,000"."""
    if pence is None:
        return ""
    if not isinstance(pence, int):
        raise TypeError("format_gbp takes integer pence")
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    if show_pence is None:
        show_pence = rem != 0
    text = f"{pounds:,}.{rem:02d}" if show_pence else f"{pounds:,}"
    return f"{sign}£{text}"


def parse_gbp(text: str | None, *, max_pence: int = MAX_PENCE) -> int:
    """Parse what a person types ("£1,234.5", "1234") into integer pence.

    Refuses anything but digits, one decimal point and a leading minus sign (so no ``NaN``,
    ``Infinity`` or ``1e5``), more than 2 decimal places, and amounts of ``max_pence`` or more.
    Raises ``ValueError`` with a message a person can act on.
    """
    cleaned = (text or "").strip().replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        raise ValueError("Enter an amount in pounds, like 1500 or 1500.50")
    match = _AMOUNT_RE.fullmatch(cleaned)  # linear: no backtracking on long input
    if match is None or not (match[2] or match[3]):
        raise ValueError(NUMBERS_ONLY_MESSAGE)
    sign, whole, fraction = match[1], match[2] or "0", match[3] or ""
    if len(fraction) > 2:
        raise ValueError("Enter an amount with no more than 2 decimal places, like 1500.50")
    # Compare lengths before int() so a thousand-digit number costs nothing.
    whole = whole.lstrip("0") or "0"
    too_big_message = f"Enter an amount less than {format_gbp(max_pence)}"
    if len(whole) > len(str(max_pence)):
        raise ValueError(too_big_message)
    pence = int(whole) * 100 + int(fraction.ljust(2, "0"))
    if pence >= max_pence:
        raise ValueError(too_big_message)
    return -pence if sign else pence
