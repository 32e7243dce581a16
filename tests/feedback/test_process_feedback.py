"""Supplier feedback on buyers: anonymous, shown only from 5 responses; payment speed measured."""

import datetime

import pytest
from django.utils import timezone

from challenges.models import Application
from contracts.models import Payment
from feedback import selectors
from feedback.services.process import debrief_mark_useful, process_feedback_submit
from marketplace.accounts.models import Role
from marketplace.core.errors import PermissionDenied, ValidationFailed
from tests.factories import MembershipFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.challenges import open_challenge
from tests.factories.contracts import ClaimFactory
from tests.factories.feedback import process_feedback_for

pytestmark = pytest.mark.django_db

RATINGS = {
    "clarity": 4,
    "assessment_fairness": 5,
    "assessment_speed": 3,
    "feedback_quality": 4,
    "payment_speed": None,
}


def test_four_responses_show_nothing_five_show_aggregates():
    challenge = open_challenge()
    process_feedback_for(challenge, 4, clarity=2)
    assert selectors.buyer_feedback(challenge.buyer_id) == {"responses": 4, "aggregates": None}
    process_feedback_for(challenge, 1, clarity=5)
    feedback = selectors.buyer_feedback(challenge.buyer_id)
    assert feedback["responses"] == 5
    assert feedback["aggregates"]["clarity"] == 2.6
    assert feedback["aggregates"]["payment_speed"] is None


def _applicant(challenge, status=Application.Status.UNFUNDED):
    application = ApplicationFactory(
        phase=challenge.phases.get(number=1), submitted=True, status=status
    )
    admin = MembershipFactory(
        organisation=application.supplier.organisation, role=Role.SUPPLIER_ADMIN
    ).user
    return application, admin


def test_a_decided_applicant_rates_the_process_once():
    challenge = open_challenge()
    application, admin = _applicant(challenge)
    feedback = process_feedback_submit(
        challenge=challenge, supplier=application.supplier, by=admin, ratings=RATINGS
    )
    assert feedback.buyer == challenge.buyer
    with pytest.raises(ValidationFailed, match="already given feedback"):
        process_feedback_submit(
            challenge=challenge, supplier=application.supplier, by=admin, ratings=RATINGS
        )


def test_no_process_feedback_before_a_decision_or_from_outsiders():
    challenge = open_challenge()
    application, admin = _applicant(challenge, status=Application.Status.SUBMITTED)
    with pytest.raises(ValidationFailed, match="decided"):
        process_feedback_submit(
            challenge=challenge, supplier=application.supplier, by=admin, ratings=RATINGS
        )
    decided, _ = _applicant(challenge)
    with pytest.raises(PermissionDenied):
        process_feedback_submit(
            challenge=challenge, supplier=decided.supplier, by=admin, ratings=RATINGS
        )


def test_rating_out_of_range_is_refused():
    challenge = open_challenge()
    application, admin = _applicant(challenge)
    with pytest.raises(ValidationFailed):
        process_feedback_submit(
            challenge=challenge,
            supplier=application.supplier,
            by=admin,
            ratings={**RATINGS, "clarity": 9},
        )


def test_payment_speed_is_measured_from_approval_to_paid():
    claim = ClaimFactory()
    approved = timezone.now() - datetime.timedelta(days=10)
    Payment.objects.create(
        claim=claim,
        contract=claim.contract,
        amount_pence=100,
        provider=Payment.Provider.LEDGER,
        idempotency_key="test-pay-1",
        status=Payment.Status.PAID,
        approved_at=approved,
        paid_at=approved + datetime.timedelta(days=4),
    )
    assert selectors.payment_days(claim.contract.buyer_id) == 4.0
    challenge = claim.contract.challenge
    process_feedback_for(challenge, 5)
    assert (
        selectors.buyer_feedback(challenge.buyer_id)["aggregates"]["payment_days_measured"] == 4.0
    )


def test_the_applicant_says_whether_the_debrief_was_useful():
    challenge = open_challenge()
    application, admin = _applicant(challenge)
    with pytest.raises(ValidationFailed, match="not been released"):
        debrief_mark_useful(application=application, by=admin, useful=True)
    phase = application.phase
    phase.feedback_released_at = timezone.now()
    phase.save()
    debrief_mark_useful(application=application, by=admin, useful=False)
    application.refresh_from_db()
    assert application.feedback_useful is False
    stranger = MembershipFactory(role=Role.SUPPLIER_ADMIN).user
    with pytest.raises(PermissionDenied):
        debrief_mark_useful(application=application, by=stranger, useful=True)
