import pytest

from marketplace.core.money import format_gbp, parse_gbp


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (0, "£0"),
        (100, "£1"),
        (123456, "£1,234.56"),
        (100000, "£1,000"),
        (5, "£0.05"),
        (-2550, "-£25.50"),
        (10_000_000_000, "£100,000,000"),
        (None, ""),
    ],
)
def test_format_gbp(pence, text):
    assert format_gbp(pence) == text


def test_format_gbp_can_force_pence():
    assert format_gbp(100000, show_pence=True) == "£1,000.00"
    assert format_gbp(123456, show_pence=False) == "£1,234"


@pytest.mark.parametrize("bad", [1.5, "100", 2.0])
def test_format_gbp_refuses_non_integers(bad):
    with pytest.raises(TypeError):
        format_gbp(bad)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1500", 150000),
        ("£1,500.50", 150050),
        (" £ 1 500.5 ", 150050),
        ("0.01", 1),
        ("-12", -1200),
        ("1234.5", 123450),
    ],
)
def test_parse_gbp(text, pence):
    assert parse_gbp(text) == pence
    assert isinstance(parse_gbp(text), int)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount in pounds"),
        (None, "Enter an amount in pounds"),
        ("   ", "Enter an amount in pounds"),
        ("ten pounds", "using numbers only"),
        ("1.2.3", "using numbers only"),
        ("1.234", "no more than 2 decimal places"),
        ("x" * 10_000, "using numbers only"),
    ],
)
def test_parse_gbp_errors_say_how_to_fix(text, message):
    with pytest.raises(ValueError, match=message):
        parse_gbp(text)


def test_round_trip():
    for pence in (1, 99, 100, 123456, 987654321):
        assert parse_gbp(format_gbp(pence)) == pence
