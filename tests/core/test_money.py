import pytest
from django import forms

from marketplace.core.forms import MoneyField, WholeNumberField
from marketplace.core.money import MAX_PENCE, format_gbp, parse_gbp


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


# --- Input that Decimal or float would accept, and a person never means -------------------

BAD_AMOUNTS = [
    "NaN",
    "nan",
    "sNaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e30",
    "1e5",
    "1E5",
    "1.5e3",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    "１２",  # full-width digits
    "+-1",
    "-",
    ".",
    "1.2.3",
]


@pytest.mark.parametrize("text", BAD_AMOUNTS)
def test_parse_gbp_refuses_non_numbers_with_a_message(text):
    with pytest.raises(ValueError, match="using numbers only"):
        parse_gbp(text)


@pytest.mark.parametrize(
    "text", ["100000000000", "£100,000,000,000.00", "9" * 40, "1" + "0" * 400, "-" + "9" * 20]
)
def test_parse_gbp_refuses_huge_amounts(text):
    with pytest.raises(ValueError, match=r"^Enter an amount less than £100,000,000,000$"):
        parse_gbp(text)


def test_parse_gbp_accepts_up_to_the_maximum():
    assert parse_gbp("99,999,999,999.99") == MAX_PENCE - 1
    assert parse_gbp("1.") == 100
    assert parse_gbp(".5") == 50
    assert parse_gbp("000123") == 12300


def test_parse_gbp_takes_a_lower_maximum():
    with pytest.raises(ValueError, match="less than £1,000"):
        parse_gbp("1000", max_pence=100_000)
    assert parse_gbp("999.99", max_pence=100_000) == 99_999


# --- MoneyField and WholeNumberField --------------------------------------------------------


class _Form(forms.Form):
    amount = MoneyField(label="Amount")
    optional = MoneyField(label="Optional", required=False)
    count = WholeNumberField(label="Count", required=False, max_value=1000)


@pytest.mark.parametrize("text", [*BAD_AMOUNTS, "1e30", "9" * 40])
def test_money_field_refuses_bad_amounts_and_keeps_what_was_typed(text):
    form = _Form({"amount": text})
    assert not form.is_valid()
    assert form.errors["amount"]
    assert str(form["amount"].value()) == text
    assert f'value="{text}"' in str(form["amount"])


def test_money_field_cleans_to_pence():
    form = _Form({"amount": "£1,500.50", "optional": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": 150_050, "optional": None, "count": None}


def test_money_field_refuses_negative_unless_allowed_and_overlong_input():
    assert _Form({"amount": "-1"}).errors["amount"] == ["Enter an amount of £0 or more"]
    assert _Form({"amount": "1" * 31}).errors["amount"] == ["Enter an amount in pounds, like 1500"]
    field = MoneyField(allow_negative=True)
    assert field.clean("-2.50") == -250


def test_money_field_shows_pence_initial_in_pounds():
    form = _Form(initial={"amount": 150_000_050})
    assert 'value="1,500,000.50"' in str(form["amount"])
    assert 'class="govuk-input__prefix" aria-hidden="true">£</div>' in str(form["amount"])


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e30", "1e5", "1_000", "１２", "9" * 5000])
def test_whole_number_field_refuses_non_digits(text):
    form = _Form({"amount": "1", "count": text})
    assert not form.is_valid()
    assert form.errors["count"] == ["Enter a whole number."]


def test_whole_number_field_parses_digits():
    form = _Form({"amount": "1", "count": " 1,000 "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["count"] == 1000
    negative = _Form({"amount": "1", "count": "-3"})
    assert negative.is_valid(), negative.errors  # range checks are the field's min_value
    assert negative.cleaned_data["count"] == -3
