"""Onboarding forms on their own: parsing pounds, formats and messages."""

import datetime

import pytest
from django.utils import timezone

from suppliers import forms
from suppliers.services import COMPANY_NUMBER_FORMAT_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£2,000,000", 200_000_000), ("2000000.01", 200_000_001), ("0", 0), (" 1 500 ", 150_000)],
)
def test_size_form_parses_pounds_into_pence(typed, pence):
    form = forms.SizeForm({"staff_headcount": "9", "turnover": typed, "balance_sheet": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["turnover"] == pence
    assert form.cleaned_data["balance_sheet"] == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your annual turnover in pounds, like 1500000"),
        ("1.234", "Enter an amount with no more than 2 decimal places, like 1500.50"),
        ("-5", "Annual turnover cannot be negative. Enter 0 if you have none"),
        ("abc", "Enter an amount in pounds using numbers only, like 1500 or 1500.50"),
    ],
)
def test_size_form_money_errors(typed, message):
    form = forms.SizeForm({"staff_headcount": "9", "turnover": typed, "balance_sheet": "0"})
    assert not form.is_valid()
    assert form.errors["turnover"] == [message]


def test_pounds_initial_round_trips():
    assert forms.pounds_initial(150_000_050) == "1,500,000.50"
    assert forms.pounds_initial(None) == ""


def test_company_form_needs_company_or_charity_number():
    form = forms.CompanyForm({})
    assert not form.is_valid()
    assert form.errors["company_number"] == [
        "Enter your company number, or your charity number if you are a charity"
    ]
    assert forms.CompanyForm({"charity_number": "1100001"}).is_valid()


def test_company_form_format_message():
    form = forms.CompanyForm({"company_number": "12345"})
    assert form.errors["company_number"] == [COMPANY_NUMBER_FORMAT_MESSAGE]


def test_vcse_no_is_stored_as_blank():
    form = forms.VCSEForm({"vcse_type": "none"})
    assert form.is_valid()
    assert form.cleaned_data["vcse_type"] == ""


def test_innovation_claim_needs_evidence():
    form = forms.InnovationForm({"innovation_type": "radical"})
    assert form.errors["innovation_evidence"] == ["Enter evidence for your innovation claim"]
    assert forms.InnovationForm({"innovation_type": "none"}).is_valid()


def test_regions_form_needs_a_choice():
    form = forms.RegionsForm({})
    assert form.errors["regions_served"] == [
        "Select the regions you work in, or select that you work across the whole UK"
    ]
    assert forms.RegionsForm({"remote_delivery": "on"}).is_valid()


def test_certification_other_needs_name_and_future_expiry():
    future = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "scheme": "other",
        "expires_on_day": future.day,
        "expires_on_month": future.month,
        "expires_on_year": future.year,
    }
    form = forms.CertificationForm(data)
    assert form.errors["other_name"] == ["Enter the name of the certification"]
    assert forms.CertificationForm({**data, "other_name": "Made Smarter"}).is_valid()
    today = timezone.localdate()
    assert forms.CertificationForm(
        {
            **data,
            "other_name": "X",
            "expires_on_day": today.day,
            "expires_on_month": today.month,
            "expires_on_year": today.year,
        }
    ).is_valid()


def test_case_study_dates_in_order():
    form = forms.CaseStudyForm(
        {
            "title": "T",
            "buyer_name": "B",
            "is_public_sector": "yes",
            "challenge": "C",
            "outcome": "O",
            "start_date_day": "1",
            "start_date_month": "5",
            "start_date_year": "2024",
            "end_date_day": "1",
            "end_date_month": "4",
            "end_date_year": "2024",
        }
    )
    assert form.errors["end_date"] == ["The end date must be the same as or after the start date"]


def test_capabilities_form_groups_under_headings():
    form = forms.CapabilitiesForm()
    groups = form.groups()
    assert groups
    assert all(group["heading"].parent_id is None for group in groups)
    assert all(
        choice["capability"].parent_id == group["heading"].pk
        for group in groups
        for choice in group["choices"]
    )


def test_review_form_limits_choices_to_allowed_actions():
    form = forms.ReviewForm({"action": "approve"}, allowed_actions={"suspend"})
    assert not form.is_valid()
    assert [v for v, _ in form.fields["action"].choices] == ["suspend"]


def test_money_inputs_have_a_pound_prefix():
    html = str(forms.SizeForm()["turnover"])
    assert 'class="govuk-input__prefix" aria-hidden="true">£</div>' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("form_class", "field", "data"),
    [
        (forms.NameForm, "legal_name", {}),
        (forms.NameForm, "trading_name", {"legal_name": "Real Ltd"}),
        (forms.NewSupplierForm, "legal_name", {}),
        (forms.ContactForm, "contact_name", {"contact_email": "a@example.org"}),
        (forms.ListingForm, "title", {"kind": "product", "summary": "S", "price_model": "fixed"}),
        (
            forms.CaseStudyForm,
            "title",
            {"buyer_name": "B", "is_public_sector": "yes", "challenge": "C", "outcome": "O"},
        ),
        (
            forms.CaseStudyForm,
            "buyer_name",
            {"title": "T", "is_public_sector": "yes", "challenge": "C", "outcome": "O"},
        ),
    ],
)
@pytest.mark.parametrize("hidden", ["\u202e", "\u2067", "\u200b", "\ufeff", "\u00ad"])
def test_names_and_titles_refuse_hidden_formatting_characters(form_class, field, data, hidden):
    from marketplace.core.validators import INVISIBLE_CHARACTERS_MESSAGE

    form = form_class({**data, field: f"Acme{hidden} Ltd"})
    assert not form.is_valid()
    assert form.errors[field] == [INVISIBLE_CHARACTERS_MESSAGE]
    assert form_class({**data, field: "Acme Ltd"}).errors.get(field) is None


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "sNaN", "1e30", "1e5", "9" * 29])
def test_every_money_field_refuses_non_numbers(bad):
    size = forms.SizeForm({"staff_headcount": "9", "turnover": bad, "balance_sheet": bad})
    assert not size.is_valid()
    assert set(size.errors) == {"turnover", "balance_sheet"}
    listing = forms.ListingForm(
        {"kind": "product", "title": "T", "summary": "S", "price_model": "fixed", "price": bad}
    )
    assert list(listing.errors) == ["price"]


def test_money_fields_are_the_core_money_field():
    from marketplace.core.forms import MoneyField

    assert isinstance(forms.SizeForm.base_fields["turnover"], MoneyField)
    assert isinstance(forms.SizeForm.base_fields["balance_sheet"], MoneyField)
    assert isinstance(forms.ListingForm.base_fields["price"], MoneyField)
    assert forms.ListingForm(
        {"kind": "product", "title": "T", "summary": "S", "price_model": "fixed", "price": ""}
    ).is_valid()
