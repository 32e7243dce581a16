"""UK company size classification, computed from what the supplier tells us (never self-declared).

Thresholds follow the UK definition used in public procurement:
- micro:  fewer than 10 staff and turnover or balance sheet total of £2m or less
- small:  fewer than 50 staff and turnover or balance sheet total of £10m or less
- medium: fewer than 250 staff and turnover of £44m or less or balance sheet total of £43m or less
- large:  anything else.
SME means micro, small or medium.
"""

from typing import NamedTuple

POUND = 100  # pence
MILLION = 1_000_000 * POUND

MICRO = (10, 2 * MILLION, 2 * MILLION)
SMALL = (50, 10 * MILLION, 10 * MILLION)
MEDIUM = (250, 44 * MILLION, 43 * MILLION)


class Size(NamedTuple):
    band: str  # "micro" | "small" | "medium" | "large"
    is_sme: bool


def _within(limits, staff: int, turnover_pence: int, balance_sheet_pence: int) -> bool:
    max_staff, max_turnover, max_balance = limits
    return staff < max_staff and (
        turnover_pence <= max_turnover or balance_sheet_pence <= max_balance
    )


def classify_size(
    *, staff_headcount: int | None, turnover_pence: int | None, balance_sheet_pence: int | None
) -> Size | None:
    """Return the size band, or ``None`` until all three inputs are known."""
    if staff_headcount is None or turnover_pence is None or balance_sheet_pence is None:
        return None
    args = (staff_headcount, turnover_pence, balance_sheet_pence)
    if _within(MICRO, *args):
        return Size("micro", True)
    if _within(SMALL, *args):
        return Size("small", True)
    if _within(MEDIUM, *args):
        return Size("medium", True)
    return Size("large", False)
