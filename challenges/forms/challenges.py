"""Forms for the buyer's challenge pages and the supplier's Q&A, watch and alert choices.

Forms parse and check what one field can check; the services check the rules across fields
(envelopes within the budget, weights totalling 100, deadlines). A view maps a service's
``DomainError`` back onto the field it names, so the form is shown again with what was typed.
"""

import datetime
import re
import zoneinfo

from django import forms
from django.conf import settings

from marketplace.accounts.models import Organisation
from marketplace.core.forms import GovUKDateField, GovUKForm, MoneyField, WholeNumberField
from marketplace.core.uploads import DocumentUploadField
from marketplace.core.validators import refuse_invisible_characters
from suppliers.models import Capability, Certification

from ..limits import DOCUMENT_MAX_BYTES, MAX_RADIUS_MILES, PhaseDetails
from ..models import Challenge

LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)
_TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _text(label, *, max_length, required=True, help_text="", textarea=False, rows=5):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if textarea else forms.TextInput,
        validators=[refuse_invisible_characters],
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def london_datetime(day: datetime.date | None, time_text: str) -> datetime.datetime | None:
    """A date and a 24-hour time typed in the UK, stored as an aware datetime."""
    if day is None:
        return None
    hours, minutes = _TIME_RE.match(time_text).groups()
    return datetime.datetime.combine(day, datetime.time(int(hours), int(minutes)), tzinfo=LONDON)


class TimeField(forms.CharField):
    default_error_messages = {"invalid": "Enter a time using the 24-hour clock, like 12:00"}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("initial", "12:00")
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not _TIME_RE.match(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return (value or "12:00").strip()


class ChallengeDetailsForm(GovUKForm):
    title = _text("Title", max_length=150)
    summary = _text(
        "Summary",
        max_length=300,
        help_text="One or two sentences shown in lists.",
        textarea=True,
        rows=2,
    )
    problem_statement = _text(
        "Problem statement",
        max_length=10000,
        textarea=True,
        help_text="Describe the problem and who has it, not a solution.",
    )
    outcomes_sought = _text(
        "Outcomes you want",
        max_length=5000,
        textarea=True,
        help_text="Measurable and time-bound, for example “20% fewer falls within 12 months”.",
    )
    who_is_affected = _text("Who is affected", max_length=5000, required=False, textarea=True)
    data_and_assets = _text(
        "Data and assets available", max_length=5000, required=False, textarea=True
    )
    constraints = _text("Constraints", max_length=5000, required=False, textarea=True)
    procedure = forms.ChoiceField(
        label="Procurement procedure",
        choices=Challenge.Procedure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a procedure"},
    )
    mode = forms.ChoiceField(
        label="How suppliers apply",
        choices=Challenge.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how suppliers apply"},
    )
    assessment_period_days = WholeNumberField(
        label="Open calls only: days in each assessment period",
        required=False,
        min_value=7,
        max_value=365,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of days, like 30",
            "min_value": "An assessment period must be at least 7 days",
            "max_value": "An assessment period must be 365 days or fewer",
        },
    )
    budget = MoneyField(
        label="Total budget",
        help_text="All phases together, in pounds.",
        error_messages={"required": "Enter the total budget, like 550000"},
    )
    question_deadline_date = GovUKDateField(
        label="Deadline for questions (optional)",
        required=False,
        help_text="Suppliers can ask questions until 12:00 on this day (UK time).",
    )
    capabilities = forms.ModelMultipleChoiceField(
        label="Capabilities needed",
        queryset=Capability.objects.filter(parent__isnull=False).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required_certifications = forms.MultipleChoiceField(
        label="Certificates applicants must hold",
        choices=[c for c in Certification.Scheme.choices if c[0] != "other"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ip_terms = _text("Intellectual property terms", max_length=5000, required=False, textarea=True)
    data_terms = _text("Data terms", max_length=5000, required=False, textarea=True)
    eligibility = _text("Who can apply", max_length=5000, required=False, textarea=True)
    contact_name = _text("Contact name", max_length=100)
    contact_email = forms.EmailField(
        label="Contact email address",
        max_length=254,
        error_messages={
            "required": "Enter the contact email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    co_funders = forms.ModelMultipleChoiceField(
        label="Co-funding organisations (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, lead: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(
            kind__in=(Organisation.Kind.BUYER, Organisation.Kind.PROGRAMME),
            verification_status=Organisation.VerificationStatus.VERIFIED,
        ).order_by("name")
        if lead is not None:
            orgs = orgs.exclude(pk=lead.pk)
        self.fields["co_funders"].queryset = orgs

    @staticmethod
    def initial_for(challenge: Challenge) -> dict:
        deadline = challenge.question_deadline
        return {
            **{f: getattr(challenge, f) for f in _DETAIL_FORM_FIELDS},
            "budget": challenge.budget_pence,
            "question_deadline_date": deadline.astimezone(LONDON).date() if deadline else None,
            "capabilities": list(challenge.capabilities.all()),
            "co_funders": list(challenge.co_funders.all()),
        }

    def details(self) -> dict:
        data = self.cleaned_data
        day = data.get("question_deadline_date")
        return {
            **{f: data[f] for f in _DETAIL_FORM_FIELDS},
            "budget_pence": data["budget"],
            "question_deadline": london_datetime(day, "12:00"),
        }


_DETAIL_FORM_FIELDS = (
    "title",
    "summary",
    "problem_statement",
    "outcomes_sought",
    "who_is_affected",
    "data_and_assets",
    "constraints",
    "procedure",
    "mode",
    "assessment_period_days",
    "required_certifications",
    "ip_terms",
    "data_terms",
    "eligibility",
    "contact_name",
    "contact_email",
)


class PlaceForm(GovUKForm):
    uk_wide = forms.TypedChoiceField(
        label="Where does the challenge apply?",
        choices=[("yes", "Anywhere in the UK"), ("no", "Around a place")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the challenge applies"},
    )
    place_name = _text("Place name (optional)", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode, or the first part of it",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "max_length": "Enter a postcode, like LS1 4DY, or the first part, like LS1"
        },
    )
    radius_miles = WholeNumberField(
        label="Distance around it, in miles",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_MILES,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the distance in miles, like 25",
            "min_value": "Enter a distance of at least 1 mile",
            "max_value": f"Enter a distance of {MAX_RADIUS_MILES} miles or fewer",
        },
    )


class PhaseForm(GovUKForm):
    name = _text("Phase name", max_length=60, help_text="For example, Feasibility or Prototype.")
    description = _text(
        "What happens in this phase", max_length=5000, required=False, textarea=True
    )
    budget_per_contract = MoneyField(
        label="Budget per contract",
        error_messages={"required": "Enter the budget per contract, like 50000"},
    )
    max_contracts = WholeNumberField(
        label="Most contracts you will award",
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the most contracts you will award",
            "invalid": "Enter a whole number, like 4",
            "min_value": "Award at least 1 contract",
            "max_value": "Enter 1,000 contracts or fewer",
        },
    )
    duration_weeks = WholeNumberField(
        label="How long contracts last, in weeks",
        min_value=1,
        max_value=520,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many weeks contracts last",
            "invalid": "Enter a whole number of weeks, like 16",
            "min_value": "Contracts must last at least 1 week",
            "max_value": "Contracts must last 520 weeks or fewer",
        },
    )
    opens_on = GovUKDateField(label="Applications open on", required=False)
    opens_time = TimeField(label="Time applications open (UK time)", required=False)
    closes_on = GovUKDateField(
        label="Applications close on", required=False, help_text="Leave empty for an open call."
    )
    closes_time = TimeField(label="Time applications close (UK time)", required=False)
    min_assessors = WholeNumberField(
        label="Assessors per application",
        initial=2,
        min_value=1,
        max_value=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many assessors score each application",
            "invalid": "Enter a whole number, like 2",
            "min_value": "At least 1 assessor must score each application",
            "max_value": "Enter 10 assessors or fewer",
        },
    )
    blind_assessment = forms.BooleanField(
        label="Hide who applied from assessors (blind assessment)", required=False
    )

    @staticmethod
    def initial_for(phase) -> dict:
        def split(value):
            if value is None:
                return None, "12:00"
            local = value.astimezone(LONDON)
            return local.date(), local.strftime("%H:%M")

        opens_on, opens_time = split(phase.opens_at)
        closes_on, closes_time = split(phase.closes_at)
        return {
            "name": phase.name,
            "description": phase.description,
            "budget_per_contract": phase.budget_per_contract_pence,
            "max_contracts": phase.max_contracts,
            "duration_weeks": phase.duration_weeks,
            "opens_on": opens_on,
            "opens_time": opens_time,
            "closes_on": closes_on,
            "closes_time": closes_time,
            "min_assessors": phase.min_assessors,
            "blind_assessment": phase.blind_assessment,
        }

    def details(self):
        data = self.cleaned_data
        return PhaseDetails(
            name=data["name"],
            description=data["description"],
            budget_per_contract_pence=data["budget_per_contract"],
            max_contracts=data["max_contracts"],
            duration_weeks=data["duration_weeks"],
            opens_at=london_datetime(data.get("opens_on"), data.get("opens_time") or "12:00"),
            closes_at=london_datetime(data.get("closes_on"), data.get("closes_time") or "12:00"),
            min_assessors=data["min_assessors"],
            blind_assessment=data["blind_assessment"],
        )


class CriterionForm(GovUKForm):
    title = _text("Criterion", max_length=150)
    weight = WholeNumberField(
        label="Weight, in per cent",
        min_value=1,
        max_value=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the weight, like 25",
            "invalid": "Enter the weight as a whole number, like 25",
            "min_value": "The weight must be at least 1%",
            "max_value": "The weight must be 100% or less",
        },
    )
    guidance = _text(
        "Guidance for assessors",
        max_length=5000,
        required=False,
        textarea=True,
        help_text="What a score of 0 and a score of 10 look like.",
    )


class QuestionForm(GovUKForm):
    text = _text("Question", max_length=500)
    guidance = _text("Guidance for applicants", max_length=5000, required=False, textarea=True)
    word_limit = WholeNumberField(
        label="Word limit",
        initial=500,
        min_value=10,
        max_value=5000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the word limit, like 500",
            "invalid": "Enter the word limit as a whole number, like 500",
            "min_value": "The word limit must be at least 10 words",
            "max_value": "The word limit must be 5,000 words or fewer",
        },
    )
    required = forms.BooleanField(
        label="Applicants must answer this question", required=False, initial=True
    )


class DocumentForm(GovUKForm):
    title = _text("Document title", max_length=150)
    file = DocumentUploadField(
        label="Document",
        max_bytes=DOCUMENT_MAX_BYTES,
        noun="document",
        help_text="A PDF, Word document (DOCX) or OpenDocument text (ODT), up to 20MB.",
        error_messages={"required": "Choose a document to upload"},
    )


class ReasonForm(GovUKForm):
    """Comments when returning a challenge to draft, or the reason for cancelling."""

    text = forms.CharField(
        label="Reason",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[refuse_invisible_characters],
        error_messages={
            "required": "Enter a reason",
            "max_length": "Enter 5,000 characters or fewer",
        },
    )

    def __init__(self, *args, label: str = "Reason", required_message: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        if required_message:
            self.fields["text"].error_messages["required"] = required_message


class AskQuestionForm(GovUKForm):
    question = forms.CharField(
        label="Your question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[refuse_invisible_characters],
        help_text="The buyer may publish the question and answer to everyone, without your name.",
        error_messages={
            "required": "Enter your question",
            "max_length": "Your question must be 2,000 characters or fewer",
        },
    )


class AnswerForm(GovUKForm):
    answer = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[refuse_invisible_characters],
        error_messages={
            "required": "Enter your answer",
            "max_length": "Your answer must be 5,000 characters or fewer",
        },
    )
    publish = forms.TypedChoiceField(
        label="Who should see the answer?",
        choices=[
            ("yes", "Publish to everyone (the supplier who asked is not named)"),
            ("no", "Only the supplier who asked"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who should see the answer"},
    )


class InviteForm(GovUKForm):
    phase = forms.TypedChoiceField(
        label="Phase", coerce=int, error_messages={"required": "Choose a phase"}
    )
    message = forms.CharField(
        label="Message (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[refuse_invisible_characters],
        error_messages={"max_length": "The message must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(p.pk, str(p)) for p in phases]


class AlertPreferenceForm(GovUKForm):
    enabled = forms.TypedChoiceField(
        label="Email me about new challenges that match my capabilities or regions",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no"},
    )
