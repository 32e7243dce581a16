"""Forms for the contract pages. Rules (caps, statuses, who may act) live in the services; these
forms only turn what was typed into values, check uploads by content and say which fields a
choice needs (a reason to reject, an amount to approve in part)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from marketplace.core.forms import GovUKDateField, GovUKForm, MoneyField, WholeNumberField
from marketplace.core.idempotency import IdempotentFormMixin
from marketplace.core.money import format_gbp
from marketplace.core.uploads import UploadRefused, clean_document_upload

from .models import ChangeRequest, Claim
from .models.claims import MAX_UNITS

# The same as the claim service accepts (it checks every file again when it stores it).
EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "odt", "ods", "csv", "txt")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
MAX_NOTES = 5000
MAX_REASON = 2000
EVIDENCE_HINT = (
    "PDF, Word, Excel, OpenDocument, CSV or text files, each smaller than 20MB. "
    "You can select up to 10 files."
)


def _textarea(label: str, *, required: bool = True, max_length: int = MAX_REASON, **kw):
    kw.setdefault("error_messages", {})
    kw["error_messages"].setdefault(
        "max_length", f"{label} must be {max_length:,} characters or fewer"
    )
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        **kw,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files at once. Each is checked by content (type, size, viruses) here so
    the form can say which file is wrong; the cleaned value is the list of uploads as sent (the
    service stores them through the same upload checks, keeping the names people gave them)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE_KINDS)}),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", EVIDENCE_HINT)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise forms.ValidationError("Select at least one evidence file")
            return []
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(f"Select {MAX_EVIDENCE_FILES} files or fewer")
        for upload in uploads:
            if not isinstance(upload, UploadedFile):
                raise forms.ValidationError("The selected file could not be uploaded. Try again")
            try:
                clean_document_upload(
                    upload,
                    allowed=EVIDENCE_KINDS,
                    max_bytes=MAX_EVIDENCE_BYTES,
                    label=f"file {upload.name}",
                )
            except UploadRefused as exc:
                raise forms.ValidationError(exc.message, code="refused") from None
            upload.seek(0)
        return uploads


class AcceptForm(GovUKForm):
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=150,
        help_text="This is your electronic signature. Type it as it appears on official papers.",
        error_messages={"required": "Type your full name to sign the contract"},
    )
    declaration = forms.BooleanField(
        label=(
            "I have read the contract and I am authorised to accept it on behalf of my organisation"
        ),
        required=True,
        error_messages={
            "required": "Confirm that you have read the contract and may accept it",
        },
    )

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Type your full name to sign the contract")
        return name


class MilestoneClaimForm(IdempotentFormMixin, GovUKForm):
    notes = _textarea(
        "Tell us how you met this milestone",
        max_length=MAX_NOTES,
        help_text="Say what you delivered and where the evidence shows it.",
        error_messages={"required": "Tell us how you met this milestone"},
    )
    evidence = EvidenceFilesField(label="Evidence files", required=True)


class OutcomeClaimForm(IdempotentFormMixin, GovUKForm):
    period_start = GovUKDateField(
        label="Start of the reporting period",
        help_text="For example, 1 4 2027",
        error_messages={"required": "Enter the start of the reporting period"},
    )
    period_end = GovUKDateField(
        label="End of the reporting period",
        help_text="For example, 30 6 2027",
        error_messages={"required": "Enter the end of the reporting period"},
    )
    units = WholeNumberField(
        label="Number of outcomes achieved in the period",
        min_value=1,
        max_value=MAX_UNITS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the number of outcomes achieved",
            "invalid": "Enter the number of outcomes as a whole number, like 12",
            "min_value": "Enter 1 or more outcomes",
            "max_value": f"Enter {MAX_UNITS:,} outcomes or fewer",
        },
    )
    notes = _textarea(
        "How were the outcomes achieved and checked?",
        max_length=MAX_NOTES,
        help_text="For example, which records show them and who checked them.",
        error_messages={"required": "Say how the outcomes were achieved and checked"},
    )
    evidence = EvidenceFilesField(label="Evidence files", required=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be on or after its start")
        return data


class ClaimResponseForm(GovUKForm):
    answer = _textarea(
        "Your answer",
        max_length=MAX_NOTES,
        error_messages={"required": "Enter your answer to the commissioner's question"},
    )
    evidence = EvidenceFilesField(label="More evidence (optional)")


class ClaimReviewForm(GovUKForm):
    """Approve, approve in part, reject or ask a question: the fields each choice needs are
    shown under it (GOV.UK conditional reveal, which without JavaScript shows them all)."""

    APPROVE, APPROVE_PART, REJECT, QUERY = "approve", "approve_part", "reject", "query"
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[
            (APPROVE, "Approve"),
            (APPROVE_PART, "Approve in part"),
            (REJECT, "Reject"),
            (QUERY, "Ask the supplier a question"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    amount = MoneyField(label="Amount to approve", required=False)
    units = WholeNumberField(
        label="Number of outcomes to approve",
        required=False,
        min_value=1,
        max_value=MAX_UNITS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": "Enter the number of outcomes as a whole number, like 12",
            "min_value": "Enter 1 or more outcomes",
            "max_value": f"Enter {MAX_UNITS:,} outcomes or fewer",
        },
    )
    part_reason = _textarea("Why are you approving only part?", required=False)
    reject_reason = _textarea("Why are you rejecting the claim?", required=False)
    question = _textarea("Your question", required=False)

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome = claim.kind == Claim.Kind.OUTCOME
        if self.outcome:
            self.fields["amount"].help_text = "Or enter the number of outcomes above."
        else:
            del self.fields["units"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.APPROVE_PART:
            if not data.get("part_reason"):
                self.add_error("part_reason", "Say why you are approving only part of the claim")
            if data.get("amount") is None and data.get("units") is None:
                field = "units" if self.outcome else "amount"
                wanted = "the number of outcomes" if self.outcome else "the amount"
                self.add_error(field, f"Enter {wanted} to approve")
            if data.get("amount") == 0:
                self.add_error("amount", "Enter an amount of more than £0, or reject the claim")
        elif decision == self.REJECT and not data.get("reject_reason"):
            self.add_error("reject_reason", "Say why you are rejecting the claim")
        elif decision == self.QUERY and not data.get("question"):
            self.add_error("question", "Enter your question for the supplier")
        return data


class MilestoneNotMetForm(GovUKForm):
    reason = _textarea(
        "Why was this milestone not met?",
        error_messages={"required": "Say why the milestone was not met"},
    )


class TerminateForm(GovUKForm):
    reason = _textarea(
        "Why are you ending the contract early?",
        help_text="We will show this to the supplier.",
        error_messages={"required": "Say why you are ending the contract early"},
    )


class CompleteForm(GovUKForm):
    """A confirmation button: nothing to type."""


class ChangeRequestForm(IdempotentFormMixin, GovUKForm):
    kind = forms.ChoiceField(
        label="What do you want to change?",
        choices=ChangeRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to change"},
    )
    reason = _textarea(
        "Why is the change needed?",
        max_length=MAX_NOTES,
        error_messages={"required": "Say why the change is needed"},
    )
    new_ends_on = GovUKDateField(
        label="New end date", required=False, help_text="For example, 31 3 2028"
    )
    scope_text = _textarea("The work as it should now be described", required=False)

    def __init__(self, *args, contract, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.milestone_fields = []
        for milestone in milestones:
            name = f"milestone_{milestone.pk}"
            self.fields[name] = MoneyField(
                label=milestone.title,
                required=False,
                initial=milestone.value_pence,
                help_text=f"Now {format_gbp(milestone.value_pence)}",
            )
            self.milestone_fields.append((name, milestone))

    def milestone_bound_fields(self):
        return [self[name] for name, _ in self.milestone_fields]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ChangeRequest.Kind.EXTENSION:
            new_end = data.get("new_ends_on")
            if new_end is None:
                self.add_error("new_ends_on", "Enter the new end date")
            elif new_end <= self.contract.ends_on:
                self.add_error(
                    "new_ends_on",
                    f"The new end date must be after the current one, "
                    f"{self.contract.ends_on:%-d %B %Y}",
                )
        elif kind == ChangeRequest.Kind.SCOPE and not data.get("scope_text"):
            self.add_error("scope_text", "Describe the work as it should now be")
        elif kind == ChangeRequest.Kind.REALLOCATION:
            data["reallocation"] = self._reallocation(data)
        return data

    def _reallocation(self, data) -> list[dict]:
        """Every listed milestone's new value (left empty: unchanged), as the service takes it."""
        rows, changed = [], False
        for name, milestone in self.milestone_fields:
            value = data.get(name)
            value = milestone.value_pence if value is None else value
            changed = changed or value != milestone.value_pence
            rows.append({"milestone": milestone.pk, "value_pence": value})
        if not changed:
            self.add_error(None, "Change at least one milestone's value to move money")
        return rows


class ChangeDecisionForm(GovUKForm):
    APPROVE, REFUSE = "approve", "refuse"
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[(APPROVE, "Approve the change"), (REFUSE, "Refuse the change")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    reason = _textarea(
        "Reason",
        required=False,
        help_text="Needed if you refuse. We will show it to the supplier.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REFUSE and not data.get("reason"):
            self.add_error("reason", "Say why you are refusing the change")
        return data
