"""GOV.UK form rendering and the day/month/year date field."""

import datetime

import pytest
from django import forms

from marketplace.core.forms import GovUKDateField, GovUKForm


class DateForm(GovUKForm):
    starts_on = GovUKDateField(
        label="Start date",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the start date"},
    )


class OptionalDateForm(GovUKForm):
    starts_on = GovUKDateField(label="Start date", required=False)


def _post(day, month, year, form_class=DateForm):
    return form_class(data={"starts_on_day": day, "starts_on_month": month, "starts_on_year": year})


def test_valid_date():
    form = _post("27", "3", "2027")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_on"] == datetime.date(2027, 3, 27)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the start date"),
        ("27", "", "2027", "The date must include a month"),
        ("", "", "2027", "The date must include a day and month"),
        ("27", "3", "", "The date must include a year"),
        ("aa", "3", "2027", "Enter the date using numbers only"),
        ("27", "3", "27", "Year must include 4 numbers"),
        ("31", "2", "2027", "Enter a real date"),
        ("27", "13", "2027", "Enter a real date"),
    ],
)
def test_date_errors_say_how_to_fix(day, month, year, message):
    form = _post(day, month, year)
    assert not form.is_valid()
    assert message in " ".join(form.errors["starts_on"])


def test_junk_in_every_box_is_an_error_not_a_crash():
    form = _post("x" * 10_000, "y" * 10_000, "z" * 10_000)
    assert not form.is_valid()
    assert form.errors["starts_on"]


def test_optional_date_may_be_blank():
    form = _post("", "", "", OptionalDateForm)
    assert form.is_valid()
    assert form.cleaned_data["starts_on"] is None


def test_date_widget_round_trips_initial_value():
    form = DateForm(initial={"starts_on": datetime.date(2027, 3, 27)})
    html = str(form)
    assert 'value="27"' in html and 'value="3"' in html and 'value="2027"' in html
    assert "govuk-date-input" in html


def test_errors_render_summary_and_inline_messages():
    class ContactForm(GovUKForm):
        name = forms.CharField(label="Your name", error_messages={"required": "Enter your name"})

    form = ContactForm(data={})
    assert not form.is_valid()
    html = str(form)
    assert "govuk-error-summary" in html
    assert 'href="#id_name"' in html
    assert "govuk-error-message" in html
    assert "govuk-form-group--error" in html
    assert " required" not in html  # no browser validation: the summary does the work


def test_no_error_summary_without_errors():
    html = str(DateForm())
    assert "govuk-error-summary" not in html
    assert "Start date" in html and "For example, 27 3 2027" in html
