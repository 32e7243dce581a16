"""The platform admin's review decision on a supplier profile."""

from __future__ import annotations

from django import forms

from marketplace.core.forms import GovUKForm

from ..limits import MAX_REASONS_LENGTH


class ReviewForm(GovUKForm):
    """What a platform admin decides about a supplier profile."""

    ACTIONS = [
        ("approve", "Approve"),
        ("request_changes", "Ask for changes"),
        ("reject", "Reject"),
        ("suspend", "Suspend"),
        ("reinstate", "Reinstate"),
    ]
    action = forms.ChoiceField(
        choices=ACTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a decision",
            "invalid_choice": "Select a decision from the list",
        },
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        max_length=MAX_REASONS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The supplier sees these. Required when asking for changes, rejecting, "
        "suspending or reinstating.",
        error_messages={
            "max_length": f"Reasons must be {MAX_REASONS_LENGTH:,} characters or fewer"
        },
    )

    def __init__(self, *args, allowed_actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_actions is not None:
            self.fields["action"].choices = [
                (value, label) for value, label in self.ACTIONS if value in allowed_actions
            ]
