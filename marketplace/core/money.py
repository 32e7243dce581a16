"""Money is always integer pence. These helpers convert only at the edges (forms, display)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


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


def parse_gbp(text: str) -> int:
    """Parse what a person types ("£1,234.5", "1234") into integer pence.

    Raises ``ValueError`` with a message a person can act on.
    """
    cleaned = (text or "").strip().replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        raise ValueError("Enter an amount in pounds, like 1500 or 1500.50")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            "Enter an amount in pounds using numbers only, like 1500 or 1500.50"
        ) from None
    if amount.as_tuple().exponent < -2:
        raise ValueError("Enter an amount with no more than 2 decimal places, like 1500.50")
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
