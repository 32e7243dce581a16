"""Side effects really travel through Redis to a Celery worker and back.

Everywhere else tasks run eagerly; here a real worker (in a thread of this process) consumes
from the Redis broker, so serialisation, ``on_commit`` queueing and task re-fetching are tested
as they run in production.
"""

import pytest
from django.core import mail

from marketplace.accounts.models import Role
from marketplace.accounts.services import invitation_create
from marketplace.celery import app
from tests.workers import redis_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    with redis_worker():
        yield


def test_invitation_email_is_sent_by_a_worker_through_redis(worker, buyer_org):
    from tests.factories import MembershipFactory

    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    admin = MembershipFactory(organisation=buyer_org, role=Role.BUYER).user
    invitation = invitation_create(
        organisation=buyer_org, email="colleague@example.org", role=Role.ASSESSOR, by=admin
    )

    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the invitation"
    message = mail.outbox[0]
    assert message.to == ["colleague@example.org"]
    assert invitation.token in message.body
    assert buyer_org.name in message.body
