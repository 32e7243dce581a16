"""Forms for assessors and buyers. Scores are typed as text and parsed by the service, so an
out-of-range score gets the service's message naming the criterion (never a 500)."""

from django import forms

from marketplace.core.forms import GovUKForm

from ..limits import MAX_COMMENT


class ConflictForm(GovUKForm):
    has_conflict = forms.ChoiceField(
        label="Do you have a conflict of interest with this application?",
        choices=[("no", "No"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you have a conflict of interest"},
    )
    details = forms.CharField(
        label="Describe the conflict",
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, you worked for the supplier or know its directors.",
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") == "yes" and not (data.get("details") or "").strip():
            self.add_error("details", "Describe the conflict of interest")
        return data


class ScoreForm(GovUKForm):
    """One score (0-10) and comment per criterion of the phase."""

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        initial_scores = initial_scores or {}
        for criterion in self.criteria:
            score = initial_scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=f"Score for {criterion.title} ({criterion.weight}%)",
                help_text=(criterion.guidance + " " if criterion.guidance else "")
                + "A whole number from 0 to 10.",
                required=False,
                max_length=5,
                initial=score.score if score else "",
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}
                ),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comments on {criterion.title}",
                required=False,
                max_length=MAX_COMMENT,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def scores(self) -> dict:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}"))
            for c in self.criteria
        }


class AssignForm(GovUKForm):
    assessor = forms.ModelChoiceField(
        queryset=None,
        label="Assessor",
        empty_label="Choose an assessor",
        error_messages={"required": "Choose an assessor", "invalid_choice": "Choose an assessor"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = candidates
        self.fields["assessor"].label_from_instance = lambda user: f"{user} ({user.email})"


class ModerationForm(GovUKForm):
    def __init__(self, *args, spreads, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spreads = list(spreads)
        existing = existing or {}
        for spread in self.spreads:
            criterion = spread.criterion
            current = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label="Consensus score, from 0 to 10",
                help_text=(
                    f"Assessors scored from {spread.minimum} to {spread.maximum}, "
                    f"average {spread.mean}."
                    if spread.scores
                    else "No submitted scores yet."
                ),
                max_length=5,
                required=False,
                initial=current.score if current else "",
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}
                ),
            )
            self.fields[f"feedback_{criterion.pk}"] = forms.CharField(
                label="Feedback to the applicant",
                max_length=MAX_COMMENT,
                required=False,
                initial=current.feedback if current else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label="Reason for this score, if it differs from the average by more than 2",
                max_length=MAX_COMMENT,
                required=False,
                initial=current.moderation_reason if current else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def groups(self) -> list[dict]:
        """One group a criterion, for a fieldset whose legend names it."""
        return [
            {
                "criterion": s.criterion,
                "fields": [
                    self[f"{part}_{s.criterion.pk}"] for part in ("score", "feedback", "reason")
                ],
            }
            for s in self.spreads
        ]

    def scores(self) -> dict:
        d = self.cleaned_data
        return {
            s.criterion.pk: (
                d.get(f"score_{s.criterion.pk}"),
                d.get(f"feedback_{s.criterion.pk}"),
                d.get(f"reason_{s.criterion.pk}"),
            )
            for s in self.spreads
        }


class DecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("fund", "Fund"), ("reserve", "Reserve"), ("decline", "Do not fund")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    reasons = forms.CharField(
        label="Reasons",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The applicant sees these with their feedback.",
        error_messages={"required": "Enter the reasons for this decision"},
    )


class IneligibleForm(GovUKForm):
    reasons = forms.CharField(
        label="Why is this application not eligible?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The applicant sees this with their feedback.",
        error_messages={"required": "Enter why the application is not eligible"},
    )
