"""Opening and closing on time (Celery beat), at the second boundary, by time travel."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from challenges.models import AssessmentPeriod, Challenge
from challenges.tasks import open_and_close_challenges
from tests.factories.challenges import ChallengeFactory, CriterionFactory, PhaseFactory

pytestmark = pytest.mark.django_db

BOUNDARY = datetime.datetime(2027, 3, 1, 12, 0, 0, tzinfo=datetime.UTC)
ONE_SECOND = datetime.timedelta(seconds=1)


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _run_at(moment) -> dict:
    with _at(moment):
        return open_and_close_challenges()


def test_the_task_runs_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["challenges-open-and-close"]
    assert entry["task"] == "challenges.tasks.open_and_close_challenges"
    assert entry["schedule"] == 60


def test_scheduled_challenge_opens_at_the_second_it_is_due():
    challenge = ChallengeFactory(scheduled=True)
    phase = PhaseFactory(
        challenge=challenge, opens_at=BOUNDARY, closes_at=BOUNDARY + datetime.timedelta(days=30)
    )
    CriterionFactory(phase=phase)

    _run_at(BOUNDARY - ONE_SECOND)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SCHEDULED

    assert _run_at(BOUNDARY)["opened"] == 1
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN
    assert challenge.opened_at == BOUNDARY

    assert _run_at(BOUNDARY + ONE_SECOND)["opened"] == 0  # running again changes nothing


def test_open_competition_closes_at_the_second_it_is_due():
    challenge = ChallengeFactory(open=True)
    PhaseFactory(
        challenge=challenge, opens_at=BOUNDARY - datetime.timedelta(days=30), closes_at=BOUNDARY
    )

    _run_at(BOUNDARY - ONE_SECOND)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN

    assert _run_at(BOUNDARY)["closed"] == 1
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CLOSED
    assert challenge.closed_at == BOUNDARY


def test_only_the_current_phase_closing_time_counts():
    challenge = ChallengeFactory(open=True, current_phase_number=2)
    PhaseFactory(
        challenge=challenge,
        number=1,
        opens_at=BOUNDARY - datetime.timedelta(days=90),
        closes_at=BOUNDARY - datetime.timedelta(days=60),
    )
    PhaseFactory(
        challenge=challenge,
        number=2,
        opens_at=BOUNDARY - datetime.timedelta(days=1),
        closes_at=BOUNDARY + datetime.timedelta(days=30),
    )
    _run_at(BOUNDARY)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN


def test_drafts_and_challenges_in_review_never_open():
    for status in ("draft", "in_review"):
        challenge = ChallengeFactory(status=status)
        PhaseFactory(
            challenge=challenge, opens_at=BOUNDARY - datetime.timedelta(days=1), closes_at=None
        )
    _run_at(BOUNDARY)
    assert set(Challenge.objects.values_list("status", flat=True)) == {"draft", "in_review"}


def test_open_call_never_closes_and_starts_the_next_period_when_one_ends():
    challenge = ChallengeFactory(open=True, open_call=True, assessment_period_days=30)
    phase = PhaseFactory(
        challenge=challenge, opens_at=BOUNDARY - datetime.timedelta(days=30), closes_at=None
    )
    AssessmentPeriod.objects.create(
        phase=phase, number=1, starts_at=BOUNDARY - datetime.timedelta(days=30), ends_at=BOUNDARY
    )

    assert _run_at(BOUNDARY - ONE_SECOND)["periods"] == 0
    assert _run_at(BOUNDARY)["periods"] == 1
    assert _run_at(BOUNDARY + ONE_SECOND)["periods"] == 0  # no duplicate
    second = AssessmentPeriod.objects.get(phase=phase, number=2)
    assert second.starts_at == BOUNDARY
    assert second.ends_at == BOUNDARY + datetime.timedelta(days=30)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN


def test_opening_time_is_shown_in_uk_time():
    from challenges.templatetags.challenges_tags import uk_time

    summer = datetime.datetime(2027, 7, 1, 11, 0, tzinfo=datetime.UTC)  # 12:00 BST
    assert uk_time(summer) == "1 July 2027 at 12pm"
    assert timezone.get_current_timezone_name() == "Europe/London"
