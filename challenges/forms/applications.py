"""Forms for the supplier's application pages. Rules live in the services; these forms only
turn what was typed into values (and check uploads by content through the upload field)."""

from django import forms

from marketplace.core.forms import GovUKForm, MoneyField
from marketplace.core.idempotency import IdempotentFormMixin
from marketplace.core.uploads import DocumentUploadField

from ..limits import ATTACHMENT_KINDS, MAX_ANSWER_CHARACTERS, MAX_ATTACHMENT_BYTES


class StartApplicationForm(IdempotentFormMixin, GovUKForm):
    """ "Start your application": a token so a double click starts one application."""


class DetailsForm(GovUKForm):
    title = forms.CharField(
        label="Application title",
        max_length=150,
        error_messages={"required": "Enter a title for your application"},
    )
    requested = MoneyField(
        label="How much funding are you asking for?",
        required=False,
        help_text="In pounds. Leave empty to ask for the phase's budget per contract.",
    )


class AnswerForm(GovUKForm):
    answer = forms.CharField(
        label="Your answer",
        required=False,
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"max_length": "Your answer is too long to save. Shorten it"},
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.label = question.text
        limit = f"{question.word_limit:,} words or fewer."
        field.help_text = f"{question.guidance} {limit}".strip() if question.guidance else limit


class AttachmentForm(GovUKForm):
    title = forms.CharField(
        label="What is this file?",
        max_length=150,
        help_text="For example, technical plan or letters of support",
        error_messages={"required": "Enter a title for the file"},
    )
    file = DocumentUploadField(
        label="Upload a file",
        max_bytes=MAX_ATTACHMENT_BYTES,
        allowed=ATTACHMENT_KINDS,
        help_text="PDF, Word (DOCX) or OpenDocument text (ODT), smaller than 10MB",
        error_messages={"required": "Select a file to upload"},
    )


class PartnerSearchForm(GovUKForm):
    q = forms.CharField(
        label="Find a partner by name or company number",
        max_length=100,
        required=False,
    )


class DeclarationsForm(GovUKForm):
    eligibility_confirmed = forms.BooleanField(
        label="We meet the eligibility criteria for this challenge",
        required=False,
    )
    declarations_confirmed = forms.BooleanField(
        label=(
            "The information in this application is true, we have no undeclared conflicts of "
            "interest, and we accept the challenge's IP and data terms"
        ),
        required=False,
    )


class SubmitForm(GovUKForm):
    """The "Submit application" button: nothing to fill in."""
