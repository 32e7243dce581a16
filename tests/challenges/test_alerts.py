"""Watching, alert preferences and opportunity alerts (matching and no duplicates)."""

import pytest
from django.core import mail

from challenges.models import AlertPreference, ChallengeWatch, OpportunityAlert
from challenges.services import alerts, lifecycle
from challenges.tasks import send_opportunity_alerts
from marketplace.core.errors import PermissionDenied
from suppliers.models import Capability, Region
from tests.factories.challenges import (
    ChallengeFactory,
    CriterionFactory,
    PhaseFactory,
    approved_supplier,
    open_challenge,
)
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy():
    health = Capability.objects.create(name="Health and care", slug="t-health")
    falls = Capability.objects.create(name="Falls prevention", slug="t-falls", parent=health)
    sensors = Capability.objects.create(name="Sensors", slug="t-sensors", parent=health)
    transport = Capability.objects.create(name="Transport", slug="t-transport")
    return {"health": health, "falls": falls, "sensors": sensors, "transport": transport}


def _supplier(capabilities=(), regions=(), whole_uk=False, based="TLK", **kw):
    profile, user = approved_supplier(
        region=Region.objects.get(code=based), serves_whole_uk=whole_uk, **kw
    )
    profile.capabilities.set(capabilities)
    profile.regions_served.set(Region.objects.filter(code__in=regions))
    return profile, user


def _challenge(capabilities, region=None):
    challenge = open_challenge()
    challenge.capabilities.set(capabilities)
    if region:
        challenge.uk_wide = False
        challenge.region = Region.objects.get(code=region)
        challenge.latitude, challenge.longitude = 53.8, -1.55
        challenge.save()
    return challenge


def test_matching_by_capability_parent_child_and_region(taxonomy):
    exact, _ = _supplier([taxonomy["falls"]])
    heading, _ = _supplier([taxonomy["health"]])  # challenge asks for an entry under it
    sibling, _ = _supplier([taxonomy["sensors"]])  # same heading, different entry: no match
    serves, _ = _supplier(regions=["TLE"])
    based, _ = _supplier(based="TLE")
    whole_uk, _ = _supplier(whole_uk=True)
    nothing, _ = _supplier([taxonomy["transport"]], regions=["TLI"])
    unapproved = SupplierProfileFactory()
    unapproved.capabilities.set([taxonomy["falls"]])

    challenge = _challenge([taxonomy["falls"]], region="TLE")
    matched = {m.supplier.pk: m.reason for m in alerts.alert_matches(challenge)}
    assert set(matched) == {exact.pk, heading.pk, serves.pk, based.pk, whole_uk.pk}
    assert "Falls prevention" in matched[exact.pk]
    assert "serves Yorkshire" in matched[serves.pk]
    assert sibling.pk not in matched and nothing.pk not in matched


def test_challenge_asking_for_a_heading_matches_its_entries(taxonomy):
    entry, _ = _supplier([taxonomy["sensors"]])
    challenge = _challenge([taxonomy["health"]])
    assert [m.supplier for m in alerts.alert_matches(challenge)] == [entry]


def test_uk_wide_challenge_matches_on_capabilities_only(taxonomy):
    _supplier(whole_uk=True)
    challenge = _challenge([taxonomy["transport"]])
    assert alerts.alert_matches(challenge) == []


def test_alerts_are_sent_once_even_if_the_task_runs_twice(
    taxonomy, django_capture_on_commit_callbacks
):
    profile, user = _supplier([taxonomy["falls"]])
    challenge = _challenge([taxonomy["falls"]])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_opportunity_alerts(challenge.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_opportunity_alerts(challenge.pk) == 0
    assert OpportunityAlert.objects.filter(challenge=challenge, supplier=profile).count() == 1
    alerts_sent = [m for m in mail.outbox if "matches your business" in m.subject]
    assert [m.to for m in alerts_sent] == [[user.email]]
    assert challenge.title in alerts_sent[0].subject


def test_sending_costs_the_same_queries_for_one_supplier_as_for_many(
    taxonomy, django_capture_on_commit_callbacks
):
    """A batch of matches is recorded and its recipients read in a few queries, whatever
    its size: at 100,000 suppliers a challenge can match tens of thousands."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_send(challenge) -> tuple[int, int]:
        with (
            django_capture_on_commit_callbacks(execute=False) as emails,
            CaptureQueriesContext(connection) as queries,
        ):
            sent = alerts.opportunity_alerts_send(challenge=challenge)
        assert sent == len(emails)
        return len(queries.captured_queries), sent

    _supplier([taxonomy["falls"]])
    one = queries_to_send(_challenge([taxonomy["falls"]]))
    for _ in range(4):
        _supplier([taxonomy["transport"]])
    many = queries_to_send(_challenge([taxonomy["transport"]]))
    assert (one[1], many[1]) == (1, 4)
    assert many[0] == one[0]


def test_users_who_turned_alerts_off_are_not_emailed(taxonomy, django_capture_on_commit_callbacks):
    _, user = _supplier([taxonomy["falls"]])
    alerts.alert_preference_set(user=user, enabled=False)
    challenge = _challenge([taxonomy["falls"]])
    with django_capture_on_commit_callbacks(execute=True):
        send_opportunity_alerts(challenge.pk)
    assert [m for m in mail.outbox if "matches your business" in m.subject] == []


def test_opening_a_challenge_sends_alerts(taxonomy, buyer_org, django_capture_on_commit_callbacks):
    _, user = _supplier([taxonomy["falls"]])
    challenge = ChallengeFactory(buyer=buyer_org, scheduled=True)
    challenge.capabilities.set([taxonomy["falls"]])
    CriterionFactory(phase=PhaseFactory(challenge=challenge))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_open(challenge=challenge)
    assert any(user.email in m.to for m in mail.outbox if "matches your business" in m.subject)


def test_alerts_are_not_sent_for_a_challenge_that_is_not_open(taxonomy):
    _supplier([taxonomy["falls"]])
    challenge = ChallengeFactory(scheduled=True)
    challenge.capabilities.set([taxonomy["falls"]])
    assert send_opportunity_alerts(challenge.pk) == 0


# --- Watch and preferences ------------------------------------------------------------------


def test_supplier_watches_and_unwatches(buyer_org):
    challenge = open_challenge(buyer=buyer_org)
    _, user = approved_supplier()
    alerts.challenge_watch(challenge=challenge, by=user)
    alerts.challenge_watch(challenge=challenge, by=user)  # twice is harmless
    assert ChallengeWatch.objects.filter(challenge=challenge, user=user).count() == 1
    alerts.challenge_unwatch(challenge=challenge, by=user)
    assert not ChallengeWatch.objects.exists()


def test_buyers_cannot_watch_or_set_alerts(buyer_org, buyer):
    challenge = open_challenge(buyer=buyer_org)
    with pytest.raises(PermissionDenied):
        alerts.challenge_watch(challenge=challenge, by=buyer)
    with pytest.raises(PermissionDenied):
        alerts.alert_preference_set(user=buyer, enabled=False)


def test_preferences_default_on_and_can_be_turned_off_and_on():
    _, user = approved_supplier()
    assert alerts.alerts_enabled(user) is True
    alerts.alert_preference_set(user=user, enabled=False)
    assert alerts.alerts_enabled(user) is False
    alerts.alert_preference_set(user=user, enabled=True)
    assert AlertPreference.objects.get(user=user).enabled is True
