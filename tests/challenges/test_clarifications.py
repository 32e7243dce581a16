"""Clarification Q&A: asked privately before the deadline, answered privately or published
anonymised, applicants and watchers told once each."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from challenges.models import Application, ChallengeWatch, ClarificationQuestion
from challenges.services import clarifications
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests.factories.challenges import (
    ClarificationQuestionFactory,
    SupplierProfileFactory,
    approved_supplier,
    buyer_in,
    open_challenge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(buyer_org):
    return open_challenge(
        buyer=buyer_org, question_deadline=timezone.now() + datetime.timedelta(days=7)
    )


@pytest.fixture
def asker():
    return approved_supplier(legal_name="Secret Asker Ltd")


def test_approved_supplier_asks_before_the_deadline(challenge, asker):
    profile, user = asker
    question = clarifications.clarification_ask(
        challenge=challenge, by=user, question="Can a consortium apply?"
    )
    assert question.status == ClarificationQuestion.Status.ASKED
    assert question.supplier == profile and question.asked_by == user


def test_asking_at_or_after_the_deadline_is_refused_with_the_deadline(challenge, asker):
    _, user = asker
    deadline = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)
    challenge.question_deadline = deadline
    challenge.save()
    from unittest import mock

    with mock.patch(
        "django.utils.timezone.now", return_value=deadline - datetime.timedelta(seconds=1)
    ):
        clarifications.clarification_ask(challenge=challenge, by=user, question="Just in time?")
    with (
        mock.patch("django.utils.timezone.now", return_value=deadline),
        pytest.raises(ValidationFailed) as caught,
    ):
        clarifications.clarification_ask(challenge=challenge, by=user, question="Too late?")
    assert "1 March 2027 at 12pm" in caught.value.message
    assert ClarificationQuestion.objects.count() == 1


def test_unapproved_suppliers_and_buyers_cannot_ask(challenge, buyer):
    draft_profile = SupplierProfileFactory()
    from tests.factories.suppliers import SupplierAdminFactory

    draft_user = SupplierAdminFactory(organisation=draft_profile.organisation).user
    for user in (draft_user, buyer):
        with pytest.raises(PermissionDenied):
            clarifications.clarification_ask(challenge=challenge, by=user, question="Hello?")


def test_cannot_ask_about_a_draft(buyer_org, asker):
    from tests.factories.challenges import ChallengeFactory

    with pytest.raises(ValidationFailed, match="not taking questions"):
        clarifications.clarification_ask(
            challenge=ChallengeFactory(buyer=buyer_org), by=asker[1], question="Hello?"
        )


def test_publishing_is_anonymous_and_tells_applicants_and_watchers_once(
    client, challenge, buyer, asker, django_capture_on_commit_callbacks
):
    profile, user = asker
    question = clarifications.clarification_ask(
        challenge=challenge, by=user, question="Is there a pilot site?"
    )
    applicant, applicant_user = approved_supplier()
    Application.objects.create(phase=challenge.phases.get(), supplier=applicant)
    watcher_profile, watcher = approved_supplier()
    ChallengeWatch.objects.create(challenge=challenge, user=watcher)
    ChallengeWatch.objects.create(challenge=challenge, user=applicant_user)  # both: told once
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        clarifications.clarification_answer(
            clarification=question, by=buyer, answer="Yes, two care homes in Leeds.", publish=True
        )
    question.refresh_from_db()
    assert question.status == ClarificationQuestion.Status.PUBLISHED
    assert question.published_at is not None
    published = [m for m in mail.outbox if "New answer published" in m.subject]
    assert sorted(m.to[0] for m in published) == sorted([applicant_user.email, watcher.email])
    assert all(len(m.to) == 1 for m in published)  # nobody sees who else applied
    answered = [m for m in mail.outbox if "has been answered" in m.subject]
    assert [m.to for m in answered] == [[user.email]]

    page = client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    assert "Is there a pilot site?" in page and "two care homes in Leeds" in page
    assert "Secret Asker" not in page
    api = client.get(f"/api/v1/challenges/{challenge.pk}").content.decode()
    assert "Is there a pilot site?" in api
    assert "Secret Asker" not in api and user.email not in api


def test_private_answer_is_not_published(client, challenge, buyer, asker):
    question = ClarificationQuestionFactory(
        challenge=challenge, supplier=asker[0], asked_by=asker[1], question="Private matter?"
    )
    clarifications.clarification_answer(
        clarification=question, by=buyer, answer="Only for you", publish=False
    )
    question.refresh_from_db()
    assert question.status == ClarificationQuestion.Status.DECLINED
    page = client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    assert "Private matter?" not in page


def test_answer_needs_text_and_cannot_be_given_twice(challenge, buyer, asker):
    question = ClarificationQuestionFactory(
        challenge=challenge, supplier=asker[0], asked_by=asker[1]
    )
    with pytest.raises(ValidationFailed, match="Enter your answer"):
        clarifications.clarification_answer(
            clarification=question, by=buyer, answer="", publish=True
        )
    clarifications.clarification_answer(
        clarification=question, by=buyer, answer="Yes", publish=True
    )
    with pytest.raises(InvalidTransition):
        clarifications.clarification_answer(
            clarification=question, by=buyer, answer="No", publish=False
        )


def test_other_organisation_cannot_answer(challenge, other_buyer, asker):
    question = ClarificationQuestionFactory(
        challenge=challenge, supplier=asker[0], asked_by=asker[1]
    )
    with pytest.raises(PermissionDenied):
        clarifications.clarification_answer(
            clarification=question, by=other_buyer, answer="Hijack", publish=True
        )


def test_co_funding_buyer_can_answer(challenge, asker):
    from tests.factories.challenges import BuyerOrganisationFactory

    partner = BuyerOrganisationFactory()
    challenge.co_funders.add(partner)
    question = ClarificationQuestionFactory(
        challenge=challenge, supplier=asker[0], asked_by=asker[1]
    )
    clarifications.clarification_answer(
        clarification=question, by=buyer_in(partner), answer="Yes", publish=True
    )
    question.refresh_from_db()
    assert question.status == ClarificationQuestion.Status.PUBLISHED
