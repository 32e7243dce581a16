"""The generic transition table: lookups, refusals, events, styles and the template tags."""

import pytest
from django.db import models
from django.template import Context, Template

from marketplace.core.errors import InvalidTransition
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"


TABLE = TransitionTable(
    prefix="claim",
    transitions=[
        Transition(
            "submit",
            source={Status.DRAFT},
            target=Status.SUBMITTED,
            done="Claim sent",
            history="Sent for review",
        ),
        Transition("approve", source={Status.SUBMITTED}, target=Status.APPROVED, who="staff"),
        Transition(
            "reopen", source={Status.SUBMITTED, Status.APPROVED}, target="draft", event="reopened"
        ),
    ],
    styles={Status.APPROVED: StatusStyle("green", next_step="Nothing to do", label="Paid")},
)


class Claim:
    """Stands in for a model instance: a status, its label and the table on the class."""

    TRANSITIONS = TABLE

    class _meta:  # noqa: N801 - mimics a model's _meta
        verbose_name = "claim"

    def __init__(self, status):
        self.status = status

    def get_status_display(self):
        return Status(self.status).label


@pytest.mark.parametrize(
    ("name", "status", "allowed"),
    [
        ("submit", "draft", True),
        ("submit", "submitted", False),
        ("submit", "approved", False),
        ("approve", "submitted", True),
        ("approve", "draft", False),
        ("reopen", "approved", True),
        ("reopen", "draft", False),
    ],
)
def test_can_and_ensure_agree(name, status, allowed):
    assert TABLE.can(name, status) is allowed
    if allowed:
        assert TABLE.ensure(Claim(status), name).name == name
    else:
        with pytest.raises(InvalidTransition, match="while the claim is"):
            TABLE.ensure(Claim(status), name)


def test_events_default_to_the_target_status():
    assert TABLE.event("submit") == "claim.submitted"
    assert TABLE.event("reopen") == "claim.reopened"


def test_available_lists_transitions_in_table_order():
    assert [t.name for t in TABLE.available("submitted")] == ["approve", "reopen"]
    assert TABLE.available("nonsense") == []


def test_history_label_falls_back_to_done_then_the_verb():
    assert TABLE.history_label("claim.submitted") == "Sent for review"
    assert TABLE.history_label("claim.approved") == "claim.approved"
    assert TABLE.history_label("other.thing") == "other.thing"


def test_statuses_with_unions_sources():
    assert TABLE.statuses_with("submit", "approve") == {"draft", "submitted"}


def test_transition_names_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        TransitionTable(
            prefix="x",
            transitions=[Transition("a", source={"p"}, target="q")] * 2,
        )


def test_unknown_transition_and_colour_are_refused():
    with pytest.raises(KeyError):
        TABLE["fly"]
    with pytest.raises(ValueError, match="GOV.UK tag colour"):
        StatusStyle("mauve")


def render(source: str, **context) -> str:
    return Template("{% load marketplace_core %}" + source).render(Context(context))


def test_status_tag_uses_the_tables_colour_and_label():
    assert render("{% status_tag c %}", c=Claim("approved")) == (
        '<strong class="govuk-tag govuk-tag--green">Paid</strong>'
    )
    # No style: default colour and the choice's own label.
    assert render("{% status_tag c %}", c=Claim("draft")) == (
        '<strong class="govuk-tag">Draft</strong>'
    )


def test_allows_filter_and_status_style_tag():
    assert render('{% if c|allows:"submit" %}yes{% endif %}', c=Claim("draft")) == "yes"
    assert render('{% if c|allows:"submit" %}yes{% endif %}', c=Claim("approved")) == ""
    html = render("{% status_style c as s %}{{ s.next_step }}", c=Claim("approved"))
    assert html == "Nothing to do"
