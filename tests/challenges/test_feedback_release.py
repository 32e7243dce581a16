"""Feedback is released to every applicant at one time. Before that applicants see nothing of
scores; after, the consensus score and feedback per criterion, never individual assessors'."""

import pytest
from django.core import mail
from django.urls import reverse

from challenges.services import decisions as svc
from marketplace.core.errors import ValidationFailed
from tests.factories.applications import (
    ApplicationFactory,
    assessing,
    buyer_for,
    moderate,
    submitted_assignment,
    supplier_user,
)
from tests.factories.challenges import open_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    """A decided phase: one funded and one declined application, each scored by two assessors."""
    challenge = assessing(open_challenge())
    phase = challenge.phases.get()
    buyer = buyer_for(challenge)
    funded = ApplicationFactory(phase=phase, submitted=True)
    declined = ApplicationFactory(phase=phase, submitted=True)
    for application, score in ((funded, 8), (declined, 3)):
        submitted_assignment(application, score)
        submitted_assignment(application, score)
        moderate(application, score)
    svc.application_decide(application=funded, by=buyer, decision="fund", reasons="Strong.")
    svc.application_decide(application=declined, by=buyer, decision="decline", reasons="Weak.")
    svc.challenge_decide(challenge=challenge, by=buyer)
    phase.refresh_from_db()
    return phase, buyer, funded, declined


def test_feedback_needs_decisions_first():
    challenge = assessing(open_challenge())

    with pytest.raises(ValidationFailed, match="Record the funding decisions"):
        svc.feedback_release(phase=challenge.phases.get(), by=buyer_for(challenge))


def test_before_release_applicants_see_nothing_of_scores(client, decided):
    _, _, funded, _ = decided
    client.force_login(supplier_user(funded.supplier))

    for name in ("challenges:application_feedback", "challenges:application_tasks"):
        page = client.get(reverse(name, args=[funded.pk])).content.decode()
        assert "Consensus 8" not in page
        assert "8 out of 10" not in page
        assert "Scored 8." not in page
    feedback = client.get(reverse("challenges:application_feedback", args=[funded.pk]))
    assert "Feedback has not been released yet" in feedback.content.decode()


def test_release_emails_every_applicant_at_once(decided, django_capture_on_commit_callbacks):
    phase, buyer, funded, declined = decided
    people = {supplier_user(funded.supplier).email, supplier_user(declined.supplier).email}

    with django_capture_on_commit_callbacks(execute=True):
        svc.feedback_release(phase=phase, by=buyer)

    phase.refresh_from_db()
    assert phase.feedback_released_at is not None
    told = {address for message in mail.outbox for address in message.to}
    assert people <= told
    with pytest.raises(ValidationFailed, match="already been released"):
        svc.feedback_release(phase=phase, by=buyer)


def test_after_release_applicants_see_consensus_not_assessors(client, decided):
    phase, buyer, funded, _ = decided
    svc.feedback_release(phase=phase, by=buyer)
    assessors = [a.assessor for a in funded.assignments.all()]
    client.force_login(supplier_user(funded.supplier))

    page = client.get(reverse("challenges:application_feedback", args=[funded.pk])).content.decode()

    assert "Consensus 8 for Quality of the idea." in page
    assert "8 out of 10" in page
    assert "Strong." in page  # the decision's reasons
    assert "Scored 8." not in page  # an assessor's own comment
    for assessor in assessors:
        assert assessor.email not in page
        assert str(assessor) not in page


def test_competitor_cannot_read_my_feedback(client, decided):
    phase, buyer, funded, declined = decided
    svc.feedback_release(phase=phase, by=buyer)
    client.force_login(supplier_user(declined.supplier))

    response = client.get(reverse("challenges:application_feedback", args=[funded.pk]))

    assert response.status_code == 404
