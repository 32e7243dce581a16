"""GOV.UK Frontend markup for every Django form.

``GovUKFormRenderer`` renders forms through ``templates/govuk/forms/`` and widgets through the
project's overrides of ``django/forms/widgets/``, so any form (ours, allauth's, Wagtail-free
views) gets an error summary, inline errors, hints and GOV.UK classes without extra code.
"""

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting

from marketplace.core import money


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovUKForm(forms.Form):
    """Base for our forms: no browser validation, so the GOV.UK error summary does the work."""

    use_required_attribute = False


class GovUKModelForm(forms.ModelForm):
    use_required_attribute = False


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input pattern: separate day, month and year boxes."""

    template_name = "govuk/forms/widgets/date_input.html"

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            "month": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}
            ),
            "year": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovUKDateField(forms.MultiValueField):
    """A date typed as day, month and year, with errors that say which part is wrong."""

    widget = DateInputWidget

    def __init__(self, **kwargs):
        # Parts are optional on their own so compress() can say which part is missing
        # (otherwise Django answers "Enter a complete value."). Long junk is caught there too.
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        missing = [name for name, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(f"The date must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError("Enter the date using numbers only, for example 27 3 2027")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers, for example 2027")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError("Enter a real date, for example 27 3 2027") from None


class MoneyInput(forms.TextInput):
    """A GOV.UK text input with a £ prefix."""

    template_name = "govuk/forms/widgets/money_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "decimal", "class": "govuk-input--width-10", **(attrs or {})}
        )


class MoneyField(forms.Field):
    """An amount in pounds, typed with a £ prefix, cleaned to integer pence (or ``None``).

    Every money input uses this field, so every one refuses ``NaN``, ``Infinity``, exponents
    (``1e30``), more than 2 decimal places and amounts of £100 billion or more with a message,
    never a 500. What was typed is shown back unchanged when the page has errors; an ``int``
    initial value (pence) is shown in pounds.

    Error messages can be overridden as usual, with the extra key ``negative``::

        budget = MoneyField(label="Budget", error_messages={"required": "Enter the budget"})
    """

    widget = MoneyInput
    default_error_messages = {
        "required": "Enter an amount in pounds, like 1500",
        "max_length": "Enter an amount in pounds, like 1500",
        "negative": "Enter an amount of £0 or more",
    }

    def __init__(self, *, allow_negative: bool = False, max_pence: int = money.MAX_PENCE, **kw):
        self.allow_negative = allow_negative
        self.max_pence = max_pence
        super().__init__(**kw)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(money.MAX_INPUT_LENGTH)}

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        if len(text) > money.MAX_INPUT_LENGTH:
            raise forms.ValidationError(self.error_messages["max_length"], code="max_length")
        try:
            pence = money.parse_gbp(text, max_pence=self.max_pence)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if pence < 0 and not self.allow_negative:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        return pence

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return money.format_gbp(value).replace("£", "")
        return value


class WholeNumberField(forms.IntegerField):
    """A count typed by a person (staff, units): ASCII digits only, so ``NaN``, ``1e30``,
    ``1_000`` and 5,000-digit numbers are refused with the ``invalid`` message, not parsed."""

    MAX_DIGITS = 15

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(",", "")
        if not text:
            return None
        digits = text.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > self.MAX_DIGITS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)
