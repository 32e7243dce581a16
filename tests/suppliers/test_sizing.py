"""SME classification at every boundary of the UK definition (money in integer pence)."""

import pytest

from suppliers.sizing import classify_size

M = 1_000_000 * 100  # £1m in pence
P = 1  # one penny


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "band", "is_sme"),
    [
        # Staff boundaries with tiny money
        (0, 0, 0, "micro", True),
        (9, 0, 0, "micro", True),
        (10, 0, 0, "small", True),
        (49, 0, 0, "small", True),
        (50, 0, 0, "medium", True),
        (249, 0, 0, "medium", True),
        (250, 0, 0, "large", False),
        # Micro: turnover or balance sheet £2m or less
        (5, 2 * M, 2 * M, "micro", True),
        (5, 2 * M + P, 2 * M + P, "small", True),
        (5, 2 * M + P, 2 * M, "micro", True),  # turnover over, balance sheet under
        (5, 2 * M, 2 * M + P, "micro", True),
        # Small: £10m
        (20, 10 * M, 10 * M, "small", True),
        (20, 10 * M + P, 10 * M + P, "medium", True),
        (20, 10 * M + P, 10 * M, "small", True),
        # Medium: turnover £44m or balance sheet £43m
        (100, 44 * M, 44 * M, "medium", True),
        (100, 44 * M + P, 43 * M, "medium", True),  # balance sheet exactly at £43m
        (100, 44 * M + P, 43 * M + P, "large", False),  # both over
        (100, 44 * M, 100 * M, "medium", True),  # turnover exactly £44m, balance sheet huge
        (100, 500 * M, 43 * M, "medium", True),  # turnover over, balance sheet under
        (249, 44 * M + P, 43 * M + P, "large", False),
        # Headcount decides even when money is tiny
        (250, 1 * M, 1 * M, "large", False),
    ],
)
def test_classify_size_boundaries(staff, turnover, balance, band, is_sme):
    size = classify_size(
        staff_headcount=staff, turnover_pence=turnover, balance_sheet_pence=balance
    )
    assert (size.band, size.is_sme) == (band, is_sme)


@pytest.mark.parametrize(
    "args",
    [
        {"staff_headcount": None, "turnover_pence": 0, "balance_sheet_pence": 0},
        {"staff_headcount": 1, "turnover_pence": None, "balance_sheet_pence": 0},
        {"staff_headcount": 1, "turnover_pence": 0, "balance_sheet_pence": None},
    ],
)
def test_classify_size_needs_all_three_inputs(args):
    assert classify_size(**args) is None
