"""Side effects really travel through Redis to a Celery worker and back.

Everywhere else tasks run eagerly; here a real worker (in a thread of this process) consumes
from the Redis broker, so serialisation, ``on_commit`` queueing and task re-fetching are tested
as they run in production.
"""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from marketplace.accounts.models import Role
from marketplace.accounts.services import invitation_create
from marketplace.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker():
    url = settings.TEST_REDIS_URL
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url}: start it (see README) or set REDIS_URL.")
    previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=url, task_always_eager=False, result_backend=None)
    _reset_connection_pool()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.update(previous)
    _reset_connection_pool()


def _reset_connection_pool():
    # The producer pool is bound to the broker it first connected to; drop it so the next
    # publish connects to the broker configured now.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_invitation_email_is_sent_by_a_worker_through_redis(redis_worker, buyer_org):
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
