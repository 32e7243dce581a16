"""Every challenge transition: allowed and refused statuses (written out here, not imported),
who may take it, what it stamps, audits and emails, and that a failure half-way leaves nothing."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from challenges.models import AssessmentPeriod, Challenge
from challenges.services import lifecycle
from marketplace.accounts.models import Organisation, Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories.challenges import (
    BuyerOrganisationFactory,
    ChallengeFactory,
    CriterionFactory,
    PhaseFactory,
    QuestionFactory,
    buyer_in,
)

pytestmark = pytest.mark.django_db

ALL = [
    "draft",
    "in_review",
    "scheduled",
    "open",
    "closed",
    "assessing",
    "decided",
    "complete",
    "cancelled",
]


def _challenge(org, status, *, submitted_by=None, phases=2):
    extra = {"cancellation_reason": "No longer needed"} if status == "cancelled" else {}
    challenge = ChallengeFactory(buyer=org, status=status, submitted_by=submitted_by, **extra)
    for number in range(1, phases + 1):
        phase = PhaseFactory(
            challenge=challenge,
            number=number,
            opens_at=timezone.now() - datetime.timedelta(hours=1) if number == 1 else None,
            closes_at=timezone.now() + datetime.timedelta(days=30) if number == 1 else None,
        )
        CriterionFactory(phase=phase, weight=100)
        QuestionFactory(phase=phase)
    return challenge


def _refused(statuses):
    return [s for s in ALL if s not in statuses]


@pytest.fixture
def second_buyer(buyer_org):
    return buyer_in(buyer_org)


# --- submit_for_review ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft"])
def test_submit_allowed(buyer_org, buyer, status):
    challenge = lifecycle.challenge_submit_for_review(
        challenge=_challenge(buyer_org, status), by=buyer
    )
    assert challenge.status == "in_review"
    assert challenge.submitted_by == buyer and challenge.submitted_at is not None
    event = AuditEvent.objects.get(verb="challenge.in_review")
    assert event.payload["previous_status"] == status


@pytest.mark.parametrize("status", _refused(["draft"]))
def test_submit_refused(buyer_org, buyer, status):
    challenge = _challenge(buyer_org, status)
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_submit_for_review(challenge=challenge, by=buyer)
    challenge.refresh_from_db()
    assert challenge.status == status


def test_submit_refused_until_weights_add_up_to_100(buyer_org, buyer):
    challenge = _challenge(buyer_org, "draft", phases=1)
    CriterionFactory(phase=challenge.phases.get(), weight=20)
    with pytest.raises(ValidationFailed, match="add up to 120%: they must add up to 100%"):
        lifecycle.challenge_submit_for_review(challenge=challenge, by=buyer)
    challenge.refresh_from_db()
    assert challenge.status == "draft"


def test_other_organisation_cannot_submit(buyer_org, other_buyer):
    with pytest.raises(PermissionDenied):
        lifecycle.challenge_submit_for_review(
            challenge=_challenge(buyer_org, "draft"), by=other_buyer
        )


def test_submit_emails_the_other_buyers(
    buyer_org, buyer, second_buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_submit_for_review(challenge=_challenge(buyer_org, "draft"), by=buyer)
    assert [m.to for m in mail.outbox] == [[second_buyer.email]]


# --- approve --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["in_review"])
def test_approve_allowed(buyer_org, buyer, second_buyer, status):
    challenge = _challenge(buyer_org, status, submitted_by=buyer)
    challenge = lifecycle.challenge_approve(challenge=challenge, by=second_buyer)
    assert challenge.status == "scheduled"
    assert challenge.approved_by == second_buyer


@pytest.mark.parametrize("status", _refused(["in_review"]))
def test_approve_refused(buyer_org, buyer, second_buyer, status):
    challenge = _challenge(buyer_org, status, submitted_by=buyer)
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_approve(challenge=challenge, by=second_buyer)


def test_submitter_cannot_approve_their_own(buyer_org, buyer):
    challenge = _challenge(buyer_org, "in_review", submitted_by=buyer)
    with pytest.raises(PermissionDenied, match="second buyer"):
        lifecycle.challenge_approve(challenge=challenge, by=buyer)
    challenge.refresh_from_db()
    assert challenge.status == "in_review"


def test_other_organisation_cannot_approve(buyer_org, buyer, other_buyer):
    challenge = _challenge(buyer_org, "in_review", submitted_by=buyer)
    with pytest.raises(PermissionDenied):
        lifecycle.challenge_approve(challenge=challenge, by=other_buyer)


def test_co_funder_and_programme_member_can_approve(buyer_org, buyer):
    partner = BuyerOrganisationFactory()
    challenge = _challenge(buyer_org, "in_review", submitted_by=buyer)
    challenge.co_funders.add(partner)
    assert (
        lifecycle.challenge_approve(challenge=challenge, by=buyer_in(partner)).status == "scheduled"
    )

    programme = OrganisationFactory(kind=Organisation.Kind.PROGRAMME)
    member = MembershipFactory(organisation=programme, role=Role.ASSESSOR).user
    other = _challenge(buyer_org, "in_review", submitted_by=buyer)
    assert lifecycle.challenge_approve(challenge=other, by=member).status == "scheduled"


def test_approve_is_atomic(buyer_org, buyer, second_buyer, django_capture_on_commit_callbacks):
    """If the audit write fails, the status and stamps are not saved and no email is sent."""
    challenge = _challenge(buyer_org, "in_review", submitted_by=buyer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("challenges.services.lifecycle.audit", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        lifecycle.challenge_approve(challenge=challenge, by=second_buyer)
    challenge.refresh_from_db()
    assert challenge.status == "in_review"
    assert challenge.approved_at is None and challenge.approved_by is None
    assert callbacks == [] and mail.outbox == []


# --- return_to_draft ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["in_review"])
def test_return_allowed(buyer_org, buyer, second_buyer, status):
    challenge = _challenge(buyer_org, status, submitted_by=buyer)
    challenge = lifecycle.challenge_return_to_draft(
        challenge=challenge, by=second_buyer, comments="Make the outcomes measurable"
    )
    assert challenge.status == "draft"
    assert challenge.review_comments == "Make the outcomes measurable"


@pytest.mark.parametrize("status", _refused(["in_review"]))
def test_return_refused(buyer_org, buyer, second_buyer, status):
    challenge = _challenge(buyer_org, status, submitted_by=buyer)
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_return_to_draft(challenge=challenge, by=second_buyer, comments="x")


def test_return_needs_comments(buyer_org, buyer, second_buyer):
    challenge = _challenge(buyer_org, "in_review", submitted_by=buyer)
    with pytest.raises(ValidationFailed, match="Enter what needs to change"):
        lifecycle.challenge_return_to_draft(challenge=challenge, by=second_buyer, comments=" ")


# --- open -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["scheduled", "decided"])
def test_open_allowed(buyer_org, status):
    challenge = lifecycle.challenge_open(challenge=_challenge(buyer_org, status))
    assert challenge.status == "open"
    assert challenge.opened_at is not None
    # From decided, the next phase opens.
    assert challenge.current_phase_number == (2 if status == "decided" else 1)


@pytest.mark.parametrize("status", _refused(["scheduled", "decided"]))
def test_open_refused(buyer_org, status):
    challenge = _challenge(buyer_org, status)
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_open(challenge=challenge)


def test_open_from_decided_needs_a_next_phase(buyer_org):
    challenge = _challenge(buyer_org, "decided", phases=1)
    with pytest.raises(ValidationFailed, match="no next phase"):
        lifecycle.challenge_open(challenge=challenge)


def test_opening_an_open_call_starts_its_first_assessment_period(buyer_org):
    challenge = _challenge(buyer_org, "scheduled", phases=1)
    Challenge.objects.filter(pk=challenge.pk).update(mode="open_call", assessment_period_days=30)
    challenge.phases.update(closes_at=None)
    lifecycle.challenge_open(challenge=challenge)
    period = AssessmentPeriod.objects.get()
    assert period.number == 1
    assert period.ends_at - period.starts_at == datetime.timedelta(days=30)


# --- close ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["open"])
def test_close_allowed(buyer_org, status):
    challenge = lifecycle.challenge_close(challenge=_challenge(buyer_org, status))
    assert challenge.status == "closed" and challenge.closed_at is not None


@pytest.mark.parametrize("status", _refused(["open"]))
def test_close_refused(buyer_org, status):
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_close(challenge=_challenge(buyer_org, status))


# --- cancel ---------------------------------------------------------------------------------

CANCELLABLE = ["draft", "in_review", "scheduled", "open", "closed", "assessing", "decided"]


@pytest.mark.parametrize("status", CANCELLABLE)
def test_cancel_allowed(buyer_org, buyer, status):
    challenge = lifecycle.challenge_cancel(
        challenge=_challenge(buyer_org, status), by=buyer, reason="The service was decommissioned"
    )
    assert challenge.status == "cancelled"
    assert challenge.cancelled_by == buyer
    assert challenge.cancellation_reason == "The service was decommissioned"
    assert AuditEvent.objects.get(verb="challenge.cancelled").payload["previous_status"] == status


@pytest.mark.parametrize("status", ["complete", "cancelled"])
def test_cancel_refused(buyer_org, buyer, status):
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_cancel(challenge=_challenge(buyer_org, status), by=buyer, reason="x")


def test_cancel_needs_a_reason(buyer_org, buyer):
    challenge = _challenge(buyer_org, "open")
    with pytest.raises(ValidationFailed, match="why the challenge is cancelled"):
        lifecycle.challenge_cancel(challenge=challenge, by=buyer, reason="")
    challenge.refresh_from_db()
    assert challenge.status == "open"


def test_other_organisation_cannot_cancel(buyer_org, other_buyer):
    with pytest.raises(PermissionDenied):
        lifecycle.challenge_cancel(
            challenge=_challenge(buyer_org, "open"), by=other_buyer, reason="Mine"
        )


# --- complete -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["decided"])
def test_complete_allowed(buyer_org, buyer, status):
    challenge = lifecycle.challenge_complete(challenge=_challenge(buyer_org, status), by=buyer)
    assert challenge.status == "complete" and challenge.completed_at is not None


@pytest.mark.parametrize("status", _refused(["decided"]))
def test_complete_refused(buyer_org, buyer, status):
    with pytest.raises(InvalidTransition):
        lifecycle.challenge_complete(challenge=_challenge(buyer_org, status), by=buyer)


def test_cancel_emails_the_buyers_in_plain_text(
    buyer_org, buyer, second_buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_cancel(
            challenge=_challenge(buyer_org, "open"), by=buyer, reason="Budget & staff moved"
        )
    [message] = [m for m in mail.outbox if "cancelled" in m.subject]
    assert sorted(message.to) == sorted([buyer.email, second_buyer.email])
    assert "Budget & staff moved" in message.body  # plain text: nothing HTML-escaped
