"""The demo challenges seed_demo creates: every status, idempotent, something for each account."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from challenges import demo
from challenges.models import (
    Application,
    AssessmentPeriod,
    AssessorAssignment,
    Challenge,
    ClarificationQuestion,
    CompetitionInvitation,
    ConsensusScore,
    Score,
)
from marketplace.accounts.models import User
from marketplace.core.models import AuditEvent
from tests.conftest import mfa_login, module_data

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Challenge,
            Application,
            AssessmentPeriod,
            AssessorAssignment,
            Score,
            ConsensusScore,
            ClarificationQuestion,
            CompetitionInvitation,
            AuditEvent,
            User,
        )
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The whole demo, seeded once for this module (see ``tests.conftest.module_data``)."""
    with module_data(django_db_blocker):
        seed()
        yield {c.slug: c for c in Challenge.objects.all()}


def test_seeding_twice_changes_nothing(seeded):
    first = counts()
    statuses = sorted(Challenge.objects.values_list("slug", "status", "updated_at"))
    output = seed()
    assert counts() == first
    assert sorted(Challenge.objects.values_list("slug", "status", "updated_at")) == statuses
    assert "Created" not in output


def test_the_demo_world(seeded):
    """Seeding is slow, so one seed is checked for each story the issue asks for."""
    check_every_status_from_three_buyers()
    check_sbri_challenge_mid_assessment(seeded)
    check_phase_two_open_to_the_two_funded_suppliers(seeded)
    check_open_call_with_two_assessment_periods(seeded)


def check_every_status_from_three_buyers():
    assert set(Challenge.objects.values_list("status", flat=True)) == set(Challenge.Status)
    buyers = set(Challenge.objects.values_list("buyer__name", flat=True))
    assert {
        "Leeds City Council",
        "Manchester University NHS Foundation Trust",
        "Department for Transport",
    } <= buyers


def check_sbri_challenge_mid_assessment(seeded):
    falls = seeded["reducing-falls-among-older-people-living-at-home"]
    assert falls.status == Challenge.Status.ASSESSING
    assert falls.procedure == Challenge.Procedure.SBRI
    assert falls.phases.count() == 2
    phase = falls.phases.get(number=1)
    assert phase.applications.filter(status=Application.Status.SUBMITTED).count() == 4
    assignments = AssessorAssignment.objects.filter(application__phase=phase)
    assert assignments.filter(status=AssessorAssignment.Status.SUBMITTED).exists()
    assert assignments.filter(status=AssessorAssignment.Status.ASSIGNED).exists()
    assert assignments.filter(status=AssessorAssignment.Status.CONFLICTED).exists()
    # The story happened in the past: applications came in before the deadline, now gone.
    assert all(a.submitted_at < phase.closes_at for a in phase.applications.all())
    assert falls.closed_at <= phase.closes_at


def check_phase_two_open_to_the_two_funded_suppliers(seeded):
    potholes = seeded["spotting-road-surface-damage-before-it-becomes-a-pothole"]
    assert (potholes.status, potholes.current_phase_number) == (Challenge.Status.OPEN, 2)
    phase_1, phase_2 = potholes.phases.order_by("number")
    funded = set(
        phase_1.applications.filter(status=Application.Status.FUNDED).values_list(
            "supplier_id", flat=True
        )
    )
    assert len(funded) == 2
    assert phase_1.feedback_released_at is not None
    assert set(phase_2.invitations.values_list("supplier_id", flat=True)) == funded


def check_open_call_with_two_assessment_periods(seeded):
    call = seeded["reducing-the-time-patients-wait-for-discharge"]
    assert (call.mode, call.status) == (Challenge.Mode.OPEN_CALL, Challenge.Status.OPEN)
    periods = list(AssessmentPeriod.objects.filter(phase__challenge=call).order_by("number"))
    assert [p.number for p in periods] == [1, 2]
    assert all(p.applications.exists() for p in periods)
    for period in periods:
        for application in period.applications.all():
            assert period.starts_at <= application.submitted_at < period.ends_at


def _as(client, email: str):
    user = User.objects.get(email=email)
    mfa_login(client, user)
    return client


def test_each_readme_account_has_something_to_do(seeded):
    check_buyer_has_a_question_to_answer_and_an_application_to_moderate(seeded, Client())
    check_assessor_has_applications_to_score(Client())
    check_supplier_has_a_draft_and_a_decision_with_feedback(Client())


def check_buyer_has_a_question_to_answer_and_an_application_to_moderate(seeded, client):
    _as(client, demo.README_BUYER)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Cutting missed bin collections" in dashboard
    assert "1 question to answer" in dashboard
    assert "Helping residents keep their homes warm for less" in dashboard  # to approve
    questions = client.get("/challenges/manage/cutting-missed-bin-collections/questions/")
    assert questions.status_code == 200
    assert "communal bins" in questions.content.decode()
    falls = seeded["reducing-falls-among-older-people-living-at-home"]
    ready = falls.phases.get(number=1).applications.get(supplier__slug="chelmsford-care-connect")
    page = client.get(f"/challenges/manage/{falls.slug}/applications/{ready.pk}/")
    assert f'action="/challenges/manage/{falls.slug}/applications/{ready.pk}/moderate/"' in (
        page.content.decode()
    )


def check_assessor_has_applications_to_score(client):
    _as(client, demo.README_ASSESSOR)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Reducing falls among older people living at home" in dashboard
    to_do = AssessorAssignment.objects.filter(
        assessor__email=demo.README_ASSESSOR,
        status__in=[AssessorAssignment.Status.ASSIGNED, AssessorAssignment.Status.SCORING],
    )
    assert to_do.count() == 2
    scoring = to_do.get(status=AssessorAssignment.Status.SCORING)
    assert client.get(f"/assessments/{scoring.pk}/score/").status_code == 200
    assert client.get("/assessments/").status_code == 200


def check_supplier_has_a_draft_and_a_decision_with_feedback(client):
    _as(client, demo.README_SUPPLIER)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Cutting missed bin collections" in dashboard
    assert "Spotting road surface damage before it becomes a pothole" in dashboard
    draft = Application.objects.get(
        supplier__slug=demo.NORTHERN_SENSORS, status=Application.Status.DRAFT
    )
    assert client.get(f"/applications/{draft.pk}/").status_code == 200
    funded = Application.objects.get(
        supplier__slug=demo.NORTHERN_SENSORS, status=Application.Status.FUNDED
    )
    feedback = client.get(f"/applications/{funded.pk}/feedback/")
    assert feedback.status_code == 200
    assert "The panel found your answer" in feedback.content.decode()
