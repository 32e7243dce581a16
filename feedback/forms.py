"""Forms for reviews, replies, disputes, moderation and process feedback. They parse input;
the services decide what is allowed."""

from django import forms

from .models.process import PROCESS_FIELDS
from .models.reviews import MAX_COMMENT, RATING_FIELDS

STARS = [(str(n), f"{n} out of 5") for n in range(5, 0, -1)]

RATING_LABELS = {
    "delivery": "Delivery against the outcomes agreed",
    "quality": "Quality of the work",
    "value": "Value for money",
    "communication": "Communication",
}

PROCESS_LABELS = {
    "clarity": "How clear was the challenge?",
    "assessment_fairness": "How fair was the assessment?",
    "assessment_speed": "How quick was the assessment?",
    "feedback_quality": "How useful was the feedback you got?",
    "payment_speed": "How quickly were you paid?",
}


def _stars(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    choices = STARS if required else [*STARS, ("", "Not paid yet")]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose a rating for “{label}”"},
    )


class ReviewForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RATING_FIELDS:
            self.fields[name] = _stars(RATING_LABELS[name])
        self.order_fields([*RATING_FIELDS, "would_work_again", "comment", "confidential_note"])

    would_work_again = forms.TypedChoiceField(
        label="Would you work with them again?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you would work with them again"},
    )
    comment = forms.CharField(
        label="Public comment",
        help_text="Shown on the supplier's profile with your organisation's name, not yours. "
        "Follow the community guidelines: describe the work, not people.",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter a public comment"},
    )
    confidential_note = forms.CharField(
        label="Confidential note for the platform team (optional)",
        help_text="Only our moderators read this. It is never shown to the supplier or public.",
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "ratings": {name: data[name] for name in RATING_FIELDS},
            "would_work_again": data["would_work_again"],
            "comment": data["comment"],
            "confidential_note": data["confidential_note"],
        }

    @classmethod
    def initial_from(cls, review) -> dict:
        """What the edit form starts with. Never the confidential note: it is for the platform
        only, so it is not shown back (a blank note on edit keeps the one sent before)."""
        return {
            **{name: str(getattr(review, name)) for name in RATING_FIELDS},
            "would_work_again": "yes" if review.would_work_again else "no",
            "comment": review.comment,
        }


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your public reply",
        help_text="Shown under the review once our team has checked it. You can reply once.",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your reply"},
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label="Why do you think this review is wrong?",
        help_text="Only our moderators read this.",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Tell us why you dispute this review"},
    )


class ModerationForm(forms.Form):
    ACTIONS = [
        ("publish", "Publish"),
        ("request_edit", "Ask the author to edit it"),
        ("reject", "Reject"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the author (needed to reject or ask for an edit)",
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyModerationForm(ModerationForm):
    ACTIONS = [("publish", "Publish"), ("reject", "Reject")]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect)


class ProcessFeedbackForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROCESS_FIELDS:
            self.fields[name] = _stars(PROCESS_LABELS[name], required=name != "payment_speed")

    def ratings(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PROCESS_FIELDS}


class UsefulForm(forms.Form):
    useful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes"
    )
