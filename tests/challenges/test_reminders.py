"""Deadline reminders 7 days and 1 day before close, to suppliers with drafts, sent once."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from challenges.models import DeadlineReminder
from challenges.services.reminders import deadline_reminders_send
from challenges.tasks import deadline_reminders_task
from tests.factories.applications import ApplicationFactory, supplier_user
from tests.factories.challenges import open_challenge

pytestmark = pytest.mark.django_db


def draft_closing_in(delta, **kwargs):
    challenge = open_challenge(phase__closes_at=timezone.now() + delta)
    application = ApplicationFactory(phase=challenge.phases.get(), **kwargs)
    person = supplier_user(application.supplier)
    return application, person


def send(capture):
    with capture(execute=True):
        return deadline_reminders_send()


@pytest.mark.parametrize(
    ("left", "days"),
    [
        (datetime.timedelta(days=7), 7),
        (datetime.timedelta(days=6, hours=23), 7),
        (datetime.timedelta(days=1), 1),
        (datetime.timedelta(hours=3), 1),
    ],
)
def test_reminder_due(left, days, django_capture_on_commit_callbacks):
    application, person = draft_closing_in(left)

    assert send(django_capture_on_commit_callbacks) == 1

    assert DeadlineReminder.objects.get(application=application).days_before == days
    (message,) = mail.outbox
    assert message.to == [person.email]
    expected = "1 day left" if days == 1 else f"{days} days left"
    assert message.subject.startswith(expected)
    assert f"/applications/{application.pk}/" in message.body


@pytest.mark.parametrize(
    "left",
    [
        datetime.timedelta(days=7, seconds=1),
        datetime.timedelta(days=30),
        -datetime.timedelta(seconds=1),
    ],
)
def test_no_reminder_when_not_due(left, django_capture_on_commit_callbacks):
    draft_closing_in(left)

    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_no_reminder_for_submitted_applications(django_capture_on_commit_callbacks):
    draft_closing_in(datetime.timedelta(days=1), submitted=True)

    assert send(django_capture_on_commit_callbacks) == 0


def test_each_reminder_is_sent_once(django_capture_on_commit_callbacks):
    application, _ = draft_closing_in(datetime.timedelta(days=5))

    send(django_capture_on_commit_callbacks)
    send(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert DeadlineReminder.objects.filter(application=application).count() == 1


def test_the_1_day_reminder_follows_the_7_day_one(django_capture_on_commit_callbacks):
    application, _ = draft_closing_in(datetime.timedelta(days=5))
    send(django_capture_on_commit_callbacks)
    later = timezone.now() + datetime.timedelta(days=4, hours=12)

    with mock.patch("django.utils.timezone.now", return_value=later):
        send(django_capture_on_commit_callbacks)
        send(django_capture_on_commit_callbacks)

    assert sorted(
        DeadlineReminder.objects.filter(application=application).values_list(
            "days_before", flat=True
        )
    ) == [1, 7]
    assert len(mail.outbox) == 2


def test_beat_runs_the_reminders_task():
    entry = settings.CELERY_BEAT_SCHEDULE["challenges-deadline-reminders"]
    assert entry["task"] == "challenges.tasks.deadline_reminders_task"
    draft_closing_in(datetime.timedelta(days=1))

    assert deadline_reminders_task() == 1
