"""The deadline is checked on the server at submit time, to the second, in Europe/London."""

import datetime
import zoneinfo
from unittest import mock

import pytest

from challenges.models import Answer, Application
from challenges.services import applications as svc
from marketplace.core.errors import ValidationFailed
from tests.factories.applications import ApplicationFactory, supplier_user
from tests.factories.challenges import open_challenge

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
# 12pm on Friday 6 March 2026, London time (GMT, so 12:00 UTC).
DEADLINE = datetime.datetime(2026, 3, 6, 12, 0, 0, tzinfo=LONDON)
MESSAGE = "The deadline was 12pm on Friday 6 March 2026. You can no longer submit this application."


def draft_application(closes_at=DEADLINE):
    challenge = open_challenge(
        phase__opens_at=closes_at - datetime.timedelta(days=30), phase__closes_at=closes_at
    )
    application = ApplicationFactory(phase=challenge.phases.get(), ready=True, answered=True)
    return application, supplier_user(application.supplier)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_one_second_before_the_deadline_is_accepted():
    application, person = draft_application()

    with at(DEADLINE - datetime.timedelta(seconds=1)):
        svc.application_submit(application=application, by=person)

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at == DEADLINE - datetime.timedelta(seconds=1)


@pytest.mark.parametrize("after", [0, 1, 3600])
def test_at_or_after_the_deadline_is_refused_and_the_draft_kept(after):
    application, person = draft_application()
    answers = list(Answer.objects.filter(application=application).values_list("text", flat=True))

    with (
        at(DEADLINE + datetime.timedelta(seconds=after)),
        pytest.raises(ValidationFailed) as refused,
    ):
        svc.application_submit(application=application, by=person)

    assert str(refused.value) == MESSAGE
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None
    assert list(Answer.objects.filter(application=application).values_list("text", flat=True)) == (
        answers
    )


def test_the_message_shows_london_time_in_summer():
    # 12pm British Summer Time is 11:00 UTC.
    deadline = datetime.datetime(2026, 7, 3, 11, 0, 0, tzinfo=datetime.UTC)
    application, person = draft_application(closes_at=deadline)

    with at(deadline), pytest.raises(ValidationFailed) as refused:
        svc.application_submit(application=application, by=person)

    assert str(refused.value).startswith("The deadline was 12pm on Friday 3 July 2026.")


def test_submitting_is_refused_even_if_the_challenge_has_not_been_closed_yet():
    """Beat closes the challenge a little later; the server check does not wait for it."""
    application, person = draft_application()

    with (
        at(DEADLINE + datetime.timedelta(seconds=1)),
        pytest.raises(ValidationFailed, match="12pm on Friday 6 March 2026"),
    ):
        svc.application_submit(application=application, by=person)
    assert application.phase.challenge.status == "open"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime.datetime(2026, 3, 6, 12, 0, tzinfo=LONDON), "12pm on Friday 6 March 2026"),
        (datetime.datetime(2026, 3, 6, 0, 0, tzinfo=LONDON), "12am on Friday 6 March 2026"),
        (datetime.datetime(2026, 3, 6, 17, 30, tzinfo=LONDON), "5:30pm on Friday 6 March 2026"),
        (datetime.datetime(2026, 3, 6, 9, 5, tzinfo=LONDON), "9:05am on Friday 6 March 2026"),
    ],
)
def test_format_deadline(when, expected):
    assert svc.format_deadline(when.astimezone(datetime.UTC)) == expected
