"""GOV.UK Frontend markup for every Django form.

``GovUKFormRenderer`` renders forms through ``templates/govuk/forms/`` and widgets through the
project's overrides of ``django/forms/widgets/``, so any form (ours, allauth's, Wagtail-free
views) gets an error summary, inline errors, hints and GOV.UK classes without extra code.
"""

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting


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
