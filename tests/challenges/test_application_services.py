"""Applying: start (prefilled, idempotent), drafts over the word limit, declarations,
partners, submit, withdraw, open calls, certifications, and every status against submit and
withdraw."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from challenges.models import Answer, Application, AssessmentPeriod, Challenge, Question
from challenges.services import applications as svc
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from suppliers.models import Certification, SupplierProfile
from tests.factories.applications import ApplicationFactory, supplier_user
from tests.factories.challenges import (
    ChallengeFactory,
    PhaseFactory,
    QuestionFactory,
    open_challenge,
)
from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phase():
    return open_challenge().phases.get(number=1)


@pytest.fixture
def supplier():
    return SupplierProfileFactory(approved=True, summary="We make quiet bed sensors.")


@pytest.fixture
def person(supplier):
    return supplier_user(supplier)


def ready(application):
    """Answer every question and confirm the declarations."""
    for question in application.phase.questions.all():
        Answer.objects.update_or_create(
            application=application, question=question, defaults={"text": "Sensors under beds."}
        )
    Application.objects.filter(pk=application.pk).update(
        eligibility_confirmed=True, declarations_confirmed=True
    )
    application.refresh_from_db()
    return application


# --- Start -------------------------------------------------------------------------------------


def test_start_prefills_answers_from_the_profile(phase, supplier, person):
    question = QuestionFactory(
        phase=phase, text="What does your company do?", prefill_from="summary"
    )

    application = svc.application_start(phase=phase, supplier=supplier, by=person)

    assert application.status == Application.Status.DRAFT
    assert application.answers.get(question=question).text == "We make quiet bed sensors."
    assert AuditEvent.objects.filter(verb="application.started").count() == 1


def test_start_ignores_prefill_fields_that_are_not_allowed(phase, supplier, person):
    QuestionFactory(phase=phase, prefill_from="review_reasons")

    application = svc.application_start(phase=phase, supplier=supplier, by=person)

    assert not application.answers.exists()


def test_start_twice_returns_the_same_application(phase, supplier, person):
    first = svc.application_start(phase=phase, supplier=supplier, by=person)
    second = svc.application_start(phase=phase, supplier=supplier, by=person)

    assert first.pk == second.pk
    assert Application.objects.filter(phase=phase, supplier=supplier).count() == 1


def test_start_refused_for_someone_who_does_not_work_for_the_supplier(phase, supplier):
    outsider = supplier_user(SupplierProfileFactory(approved=True))

    with pytest.raises(PermissionDenied):
        svc.application_start(phase=phase, supplier=supplier, by=outsider)
    assert not Application.objects.exists()


def test_team_members_can_start(phase, supplier):
    member = supplier_user(supplier, role="supplier_member")

    assert svc.application_start(phase=phase, supplier=supplier, by=member).pk


def test_start_refused_until_the_profile_is_approved(phase):
    draft = SupplierProfileFactory()

    with pytest.raises(ValidationFailed, match="must be approved"):
        svc.application_start(phase=phase, supplier=draft, by=supplier_user(draft))


@pytest.mark.parametrize("status", ["draft", "in_review", "scheduled", "closed", "assessing"])
def test_start_refused_unless_the_challenge_is_open(status, supplier, person):
    challenge = ChallengeFactory(
        status=status, submitted_at=timezone.now(), closed_at=timezone.now()
    )
    phase = PhaseFactory(challenge=challenge)

    with pytest.raises(ValidationFailed, match="not taking applications"):
        svc.application_start(phase=phase, supplier=supplier, by=person)


def test_start_refused_after_the_deadline(supplier, person):
    challenge = open_challenge(
        phase__opens_at=timezone.now() - datetime.timedelta(days=10),
        phase__closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )

    with pytest.raises(ValidationFailed, match="The deadline was"):
        svc.application_start(phase=challenge.phases.get(), supplier=supplier, by=person)


def test_withdrawn_application_can_be_started_again(phase, supplier, person):
    first = svc.application_start(phase=phase, supplier=supplier, by=person)
    svc.application_withdraw(application=first, by=person)

    second = svc.application_start(phase=phase, supplier=supplier, by=person)

    assert second.pk != first.pk


# --- Drafts ------------------------------------------------------------------------------------


def test_answers_over_the_word_limit_are_saved_with_a_warning(phase, supplier, person):
    question = phase.questions.first()
    question.word_limit = 10
    question.save()
    application = svc.application_start(phase=phase, supplier=supplier, by=person)
    long_answer = " ".join(["word"] * 12)

    warnings = svc.application_save_answers(
        application=application, by=person, answers={question.pk: long_answer}
    )

    assert application.answers.get(question=question).text == long_answer
    assert warnings == [
        f"Your answer to \u201c{question.text}\u201d is 12 words. "
        "It must be 10 words or fewer before you submit."
    ]


def test_submit_refused_over_the_word_limit_naming_the_question(phase, supplier, person):
    question = phase.questions.first()
    question.word_limit = 10
    question.save()
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    Answer.objects.filter(application=application).update(text=" ".join(["word"] * 11))

    with pytest.raises(ValidationFailed) as refused:
        svc.application_submit(application=application, by=person)

    assert question.text in str(refused.value)
    assert "11 words" in str(refused.value)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.answers.get().text.count("word") == 11


def test_submit_refused_with_empty_required_answers(phase, supplier, person):
    application = svc.application_start(phase=phase, supplier=supplier, by=person)
    svc.application_declare(
        application=application, by=person, eligibility_confirmed=True, declarations_confirmed=True
    )

    with pytest.raises(ValidationFailed, match="Answer \u201cHow would your idea reduce falls"):
        svc.application_submit(application=application, by=person)


def test_optional_questions_may_be_left_empty(phase, supplier, person):
    Question.objects.create(phase=phase, text="Anything else?", required=False)
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    Answer.objects.filter(application=application, question__required=False).delete()

    assert svc.application_submit(application=application, by=person).status == "submitted"


def test_submit_refused_without_declarations(phase, supplier, person):
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    svc.application_declare(
        application=application, by=person, eligibility_confirmed=True, declarations_confirmed=False
    )

    with pytest.raises(ValidationFailed, match="Confirm the declarations"):
        svc.application_submit(application=application, by=person)


def test_answers_cannot_change_after_submission(phase, supplier, person):
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    svc.application_submit(application=application, by=person)

    with pytest.raises(ValidationFailed, match="submitted"):
        svc.application_save_answers(
            application=application, by=person, answers={phase.questions.first().pk: "New"}
        )


# --- Partners ----------------------------------------------------------------------------------


def test_partners_must_be_other_approved_suppliers(phase, supplier, person):
    application = svc.application_start(phase=phase, supplier=supplier, by=person)
    partner = SupplierProfileFactory(approved=True)

    svc.application_partner_add(application=application, by=person, partner=partner)
    assert list(application.partners.all()) == [partner]

    with pytest.raises(ValidationFailed, match="your own organisation"):
        svc.application_partner_add(application=application, by=person, partner=supplier)
    with pytest.raises(ValidationFailed, match="approved suppliers"):
        svc.application_partner_add(
            application=application, by=person, partner=SupplierProfileFactory()
        )

    svc.application_partner_remove(application=application, by=person, partner=partner)
    assert not application.partners.exists()


# --- Certifications ----------------------------------------------------------------------------


def test_submit_refused_without_required_certification_in_date(supplier, person):
    challenge = open_challenge(required_certifications=["cyber_essentials"])
    phase = challenge.phases.get()
    CertificationFactory(
        profile=supplier,
        scheme=Certification.Scheme.CYBER_ESSENTIALS,
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))

    with pytest.raises(ValidationFailed, match="in-date Cyber Essentials certificate"):
        svc.application_submit(application=application, by=person)

    CertificationFactory(profile=supplier, scheme=Certification.Scheme.CYBER_ESSENTIALS)
    assert svc.application_submit(application=application, by=person).status == "submitted"


# --- Submit ------------------------------------------------------------------------------------


def test_submit_stamps_audits_and_queues_the_receipt(
    phase, supplier, person, django_capture_on_commit_callbacks, mailoutbox
):
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))

    # Tasks run inline in tests: the real receipt task makes the PDF and emails it.
    with django_capture_on_commit_callbacks(execute=True):
        svc.application_submit(application=application, by=person)

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_by == person
    assert application.submitted_at is not None
    event = AuditEvent.objects.get(verb="application.submitted")
    assert event.payload == {"previous_status": "draft"}
    assert application.receipt_pdf.name.endswith(".pdf")
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert mailoutbox[0].attachments[0][2] == "application/pdf"


def test_submit_refused_when_the_supplier_has_been_suspended(phase, supplier, person):
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    SupplierProfile.objects.filter(pk=supplier.pk).update(status=SupplierProfile.Status.SUSPENDED)

    with pytest.raises(ValidationFailed, match="must be approved"):
        svc.application_submit(application=application, by=person)


def test_open_call_submission_goes_into_the_current_period(supplier, person):
    challenge = open_challenge(open_call=True, phase__closes_at=None)
    phase = challenge.phases.get()
    now = timezone.now()
    AssessmentPeriod.objects.create(
        phase=phase,
        number=1,
        starts_at=now - datetime.timedelta(days=40),
        ends_at=now - datetime.timedelta(days=10),
    )
    current = AssessmentPeriod.objects.create(
        phase=phase,
        number=2,
        starts_at=now - datetime.timedelta(days=10),
        ends_at=now + datetime.timedelta(days=20),
    )
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))

    svc.application_submit(application=application, by=person)

    application.refresh_from_db()
    assert application.period == current


def test_open_call_without_a_current_period_starts_one(supplier, person):
    challenge = open_challenge(open_call=True, phase__closes_at=None)
    phase = challenge.phases.get()
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))

    svc.application_submit(application=application, by=person)

    application.refresh_from_db()
    period = application.period
    assert period.number == 1
    assert period.starts_at <= application.submitted_at < period.ends_at


# --- Withdraw ----------------------------------------------------------------------------------


def test_withdraw_submitted_before_the_deadline(phase, supplier, person):
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    svc.application_submit(application=application, by=person)

    svc.application_withdraw(application=application, by=person)

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.withdrawn_at is not None


def test_withdraw_refused_after_the_deadline(supplier, person):
    application = ApplicationFactory(supplier=supplier, submitted=True)
    application.phase.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    application.phase.opens_at = timezone.now() - datetime.timedelta(days=5)
    application.phase.save()

    with pytest.raises(ValidationFailed, match="can no longer withdraw"):
        svc.application_withdraw(application=application, by=person)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_withdraw_refused_for_someone_else(supplier):
    application = ApplicationFactory(supplier=supplier)
    competitor = supplier_user(SupplierProfileFactory(approved=True))

    with pytest.raises(PermissionDenied):
        svc.application_withdraw(application=application, by=competitor)


# --- Every status against each transition (statuses written out, not imported) ----------------


def _in_status(status: str, supplier) -> Application:
    submitted_at = None if status in ("draft", "withdrawn") else timezone.now()
    return ready(ApplicationFactory(supplier=supplier, status=status, submitted_at=submitted_at))


@pytest.mark.parametrize("status", ["draft"])
def test_submit_allowed_from(status, supplier, person):
    application = _in_status(status, supplier)
    assert svc.application_submit(application=application, by=person).status == "submitted"


@pytest.mark.parametrize(
    "status",
    ["submitted", "withdrawn", "ineligible", "shortlisted", "funded", "reserve", "unfunded"],
)
def test_submit_refused_from(status, supplier, person):
    application = _in_status(status, supplier)
    with pytest.raises(InvalidTransition):
        svc.application_submit(application=application, by=person)
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_withdraw_allowed_from(status, supplier, person):
    application = _in_status(status, supplier)
    assert svc.application_withdraw(application=application, by=person).status == "withdrawn"


@pytest.mark.parametrize(
    "status", ["withdrawn", "ineligible", "shortlisted", "funded", "reserve", "unfunded"]
)
def test_withdraw_refused_from(status, supplier, person):
    application = _in_status(status, supplier)
    with pytest.raises(InvalidTransition):
        svc.application_withdraw(application=application, by=person)
    application.refresh_from_db()
    assert application.status == status


def test_submit_is_atomic(phase, supplier, person):
    """If the audit write fails, the submission is not half-recorded."""
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))

    with (
        mock.patch(
            "challenges.services.applications.audit", side_effect=DatabaseError("audit failed")
        ),
        pytest.raises(DatabaseError),
    ):
        svc.application_submit(application=application, by=person)

    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None


def test_withdraw_is_atomic(supplier, person):
    application = _in_status("submitted", supplier)

    with (
        mock.patch(
            "challenges.services.applications.audit", side_effect=DatabaseError("audit failed")
        ),
        pytest.raises(DatabaseError),
    ):
        svc.application_withdraw(application=application, by=person)

    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.withdrawn_at is None


def test_start_is_atomic(phase, supplier, person):
    QuestionFactory(phase=phase, prefill_from="summary")
    with (
        mock.patch(
            "challenges.services.applications.audit", side_effect=DatabaseError("audit failed")
        ),
        pytest.raises(DatabaseError),
    ):
        svc.application_start(phase=phase, supplier=supplier, by=person)

    assert not Application.objects.exists()
    assert not Answer.objects.exists()


def test_challenge_status_is_untouched_by_applying(phase, supplier, person):
    application = ready(svc.application_start(phase=phase, supplier=supplier, by=person))
    svc.application_submit(application=application, by=person)
    assert Challenge.objects.get(pk=phase.challenge_id).status == "open"
