"""Deciding a challenge through the challenges services makes contracts for the funded
applications only, once, after the decision commits (``phase_decided`` -> Celery task)."""

import pytest

from challenges.models import Application
from challenges.services import decisions
from contracts.models import Contract, ContractDocument
from tests.factories.applications import ApplicationFactory, assessing, buyer_for, moderate
from tests.factories.challenges import open_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_in_principle():
    """A challenge being assessed with four moderated applications of phase 1."""
    challenge = assessing(open_challenge())
    phase = challenge.phases.get()
    buyer = buyer_for(challenge)
    applications = [
        moderate(ApplicationFactory(phase=phase, submitted=True, requested_pence=4_000_000), 7)
        for _ in range(4)
    ]
    for application, decision in zip(
        applications, ("fund", "fund", "reserve", "decline"), strict=True
    ):
        decisions.application_decide(
            application=application, by=buyer, decision=decision, reasons="Scored well."
        )
    return challenge, buyer, applications


def test_deciding_makes_contracts_for_funded_applications_once_after_commit(
    decided_in_principle, django_capture_on_commit_callbacks
):
    challenge, buyer, applications = decided_in_principle

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decisions.challenge_decide(challenge=challenge, by=buyer)
    assert not Contract.objects.exists()  # nothing before the decision commits

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    funded = Application.objects.filter(
        pk__in=[a.pk for a in applications], status=Application.Status.FUNDED
    )
    assert funded.count() == 2
    contracts = Contract.objects.all()
    assert {c.application_id for c in contracts} == {a.pk for a in funded}
    assert all(c.status == "draft" and c.value_pence == 4_000_000 for c in contracts)
    assert ContractDocument.objects.count() == 2 * funded.count()  # contract + award letter each

    # The event again (a retry, a second signal): no second contract.
    from challenges.signals import phase_decided

    with django_capture_on_commit_callbacks(execute=True):
        phase_decided.send(sender=type(challenge), phase=challenge.phases.get(), by=buyer)
    assert Contract.objects.count() == funded.count()


def test_a_rolled_back_decision_makes_no_contracts(
    decided_in_principle, django_capture_on_commit_callbacks
):
    challenge, buyer, _ = decided_in_principle
    from django.db import transaction

    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        decisions.challenge_decide(challenge=challenge, by=buyer)
        raise Undo

    assert callbacks == []

    assert not Contract.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_the_event_at_the_same_moment_make_one_contract():
    """Celery may deliver the task twice (acks_late) and both may run at once: the lock on the
    application makes the second wait, then find the first one's contract (real transactions,
    PostgreSQL, two threads)."""
    import threading

    from django.db import connection, connections

    from contracts.services import contracts as svc
    from tests.factories.contracts_lifecycle import funded_application

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    application = funded_application()
    barrier = threading.Barrier(2)
    made, errors = [], []

    def create():
        try:
            barrier.wait(timeout=10)
            made.append(svc.contract_create_from_application(application=application).pk)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(made) == 2 and made[0] == made[1]
    assert Contract.objects.filter(application=application).count() == 1
