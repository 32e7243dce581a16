"""Search alerts: a saved challenge search emails its owner once when a challenge it finds
opens; the pages to save, list and stop alerts refuse anyone else."""

from __future__ import annotations

import pytest
from django.core import mail
from django.http import QueryDict
from django.urls import reverse

from challenges.models import Challenge
from challenges.services import lifecycle
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from search import alerts
from search.models import SearchAlert, SearchAlertSent
from search.tasks import send_search_alerts
from suppliers.models import Region
from tests.factories import UserFactory
from tests.factories.challenges import ChallengeFactory, CriterionFactory, PhaseFactory

pytestmark = pytest.mark.django_db

SUBJECT = "New challenge for your saved search"


def save(user, query: str) -> SearchAlert:
    alert, _created = alerts.search_alert_save(user=user, data=QueryDict(query))
    return alert


def alert_emails(to=None) -> list:
    return [m for m in mail.outbox if SUBJECT in m.subject and (to is None or to in m.to)]


def scheduled_challenge(buyer_org, *, title: str, region: str | None = None) -> Challenge:
    challenge = ChallengeFactory(buyer=buyer_org, scheduled=True, title=title)
    if region:
        challenge.uk_wide = False
        challenge.region = Region.objects.get(code=region)
        challenge.latitude, challenge.longitude = 53.8, -1.55
        challenge.save()
    CriterionFactory(phase=PhaseFactory(challenge=challenge))
    return challenge


def test_a_saved_search_keeps_its_filters_only_in_a_fixed_order():
    data = QueryDict("sort=newest&region=TLE&q=falls&page=3&capability=&status=open&junk=1")
    assert alerts.saved_query(data) == "q=falls&region=TLE&status=open"
    # The old spelling of the words is saved under the name the page uses now.
    assert alerts.saved_query(QueryDict("text=falls&region=TLE")) == "q=falls&region=TLE"
    # The same search asked in another order is the same alert.
    user = UserFactory()
    first = save(user, "region=TLE&q=falls")
    again, created = alerts.search_alert_save(user=user, data=QueryDict("q=falls&region=TLE"))
    assert (again, created) == (first, False)
    assert SearchAlert.objects.filter(user=user).count() == 1


def test_saving_refuses_bad_searches_with_a_message_and_saves_nothing():
    user = UserFactory()
    with pytest.raises(ValidationFailed, match="Closing before: Enter a date as YYYY-MM-DD"):
        save(user, "closing_before=next-week")
    with pytest.raises(ValidationFailed, match="Region: Choose"):
        save(user, "region=XX9")
    with pytest.raises(ValidationFailed, match="too long to save"):
        save(user, "q=" + "bridges " * 300)
    assert not SearchAlert.objects.exists()


def test_a_user_has_at_most_20_alerts():
    user = UserFactory()
    for n in range(alerts.MAX_ALERTS_PER_USER):
        save(user, f"q=word{n}")
    with pytest.raises(ValidationFailed, match="the most you can have"):
        save(user, "q=one-more")
    assert SearchAlert.objects.filter(user=user).count() == alerts.MAX_ALERTS_PER_USER
    # Another user's alerts do not count against this one.
    save(UserFactory(), "q=one-more")


def test_anonymous_visitors_and_inactive_users_cannot_save():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        save(AnonymousUser(), "q=falls")
    gone = UserFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        save(gone, "q=falls")
    assert not SearchAlert.objects.exists()


def test_opening_a_challenge_emails_each_alert_that_finds_it_once(
    buyer_org, django_capture_on_commit_callbacks
):
    in_region, other_words, closed_only, inactive = (UserFactory() for _ in range(4))
    everything = UserFactory()
    save(in_region, "region=TLE&q=falls")
    save(other_words, "q=bridges")
    save(closed_only, "status=closed")
    save(inactive, "region=TLE")
    save(everything, "")
    inactive.is_active = False
    inactive.save()
    challenge = scheduled_challenge(buyer_org, title="Preventing falls at home", region="TLE")

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_open(challenge=challenge)

    told = {m.to[0] for m in alert_emails()}
    assert told == {in_region.email, everything.email}
    email = alert_emails(in_region.email)[0]
    assert challenge.title in email.subject
    assert reverse("challenges:detail", args=[challenge.slug]) in email.body
    assert "/challenges/?q=falls&region=TLE" in email.body
    assert reverse("search:alerts") in email.body

    # Run again (a retried task, a reopened challenge): nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_search_alerts(challenge.pk) == 0
    assert len(alert_emails()) == 2
    assert SearchAlertSent.objects.filter(challenge=challenge).count() == 2


def test_one_email_per_person_however_many_of_their_searches_find_the_challenge(
    buyer_org, django_capture_on_commit_callbacks
):
    user = UserFactory()
    first = save(user, "q=falls")
    second = save(user, "region=TLE")
    challenge = scheduled_challenge(buyer_org, title="Preventing falls at home", region="TLE")

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_open(challenge=challenge)

    assert len(alert_emails(user.email)) == 1
    assert "/challenges/?q=falls" in alert_emails(user.email)[0].body  # the first saved
    assert set(SearchAlertSent.objects.values_list("alert", flat=True)) == {first.pk, second.pk}


def test_a_supplier_told_by_the_opportunity_alert_gets_no_second_email(
    buyer_org, django_capture_on_commit_callbacks
):
    """The challenge's opportunity alert goes to the suppliers based in its region: one of
    them also saved a search that finds it, and gets the opportunity alert only. A supplier
    who turned opportunity alerts off, and a buyer, get the search alert."""
    from challenges.services.alerts import alert_preference_set
    from tests.factories.challenges import approved_supplier

    leeds = Region.objects.get(code="TLE")
    _profile, told_once = approved_supplier(region=leeds)
    _profile, alerts_off = approved_supplier(region=leeds)
    alert_preference_set(user=alerts_off, enabled=False)
    buyer = UserFactory()
    for user in (told_once, alerts_off, buyer):
        save(user, "q=falls")
    challenge = scheduled_challenge(buyer_org, title="Preventing falls at home", region="TLE")

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_open(challenge=challenge)

    opportunity = [m for m in mail.outbox if "matches your business" in m.subject]
    assert {m.to[0] for m in opportunity} == {told_once.email}
    assert {m.to[0] for m in alert_emails()} == {alerts_off.email, buyer.email}
    assert [m.to[0] for m in mail.outbox].count(told_once.email) == 1
    # Recorded as told: running the task again sends nothing.
    assert SearchAlertSent.objects.filter(challenge=challenge).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert send_search_alerts(challenge.pk) == 0
    assert len(alert_emails()) == 2


def test_a_saved_search_that_no_longer_runs_sends_nothing_and_says_why(
    buyer_org, client, django_capture_on_commit_callbacks
):
    # A capability it saved was renamed since: the page would drop that filter and find every
    # challenge in the region; the alert must not email about them.
    user = UserFactory()
    SearchAlert.objects.create(user=user, query="capability=renamed-since&region=TLE")
    challenge = scheduled_challenge(buyer_org, title="Preventing falls at home", region="TLE")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.challenge_open(challenge=challenge)
    assert alert_emails() == []
    client.force_login(user)
    listing = client.get(reverse("search:alerts")).content.decode()
    assert "This search no longer works, so it sends no emails. Capability: " in listing


def test_a_challenge_that_is_not_open_sends_nothing(buyer_org):
    save(UserFactory(), "")
    challenge = scheduled_challenge(buyer_org, title="Not open yet")
    assert send_search_alerts(challenge.pk) == 0
    assert not SearchAlertSent.objects.exists()


# --- Pages ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for method, url in (
        ("get", reverse("search:alerts")),
        ("post", reverse("search:alert_create")),
    ):
        response = getattr(client, method)(url, {"query": "q=falls"} if method == "post" else {})
        assert response.status_code == 302
        assert reverse("account_login") in response.url
    assert not SearchAlert.objects.exists()
    page = client.get(reverse("challenges:list")).content.decode()
    assert "to get an email when a challenge opens that this search finds" in page
    assert 'action="/search-alerts/new/"' not in page


def test_saving_listing_and_stopping_an_alert(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("challenges:list"), {"region": "TLE", "q": "falls"}).content
    assert b'name="query" value="region=TLE&amp;q=falls"' in page

    response = client.post(reverse("search:alert_create"), {"query": "region=TLE&q=falls"})
    assert response.status_code == 302 and response.url == reverse("search:alerts")
    alert = SearchAlert.objects.get(user=user)
    listing = client.get(reverse("search:alerts")).content.decode()
    assert "Search: falls; Region: Yorkshire and The Humber" in listing
    assert "We will email you when a new challenge matches" in listing

    response = client.post(reverse("search:alert_delete", args=[alert.pk]))
    assert response.status_code == 302
    assert not SearchAlert.objects.exists()
    # Both are on the audit trail, with who did them.
    verbs = AuditEvent.objects.filter(actor=user, object_id=str(alert.pk))
    assert sorted(verbs.values_list("verb", flat=True)) == [
        "search_alert.saved",
        "search_alert.stopped",
    ]


def test_another_users_alert_cannot_be_stopped_or_seen(client):
    owner, other = UserFactory(), UserFactory()
    alert = save(owner, "q=falls")
    client.force_login(other)
    assert client.post(reverse("search:alert_delete", args=[alert.pk])).status_code == 404
    assert SearchAlert.objects.filter(pk=alert.pk).exists()
    assert "falls" not in client.get(reverse("search:alerts")).content.decode()
    assert client.get(reverse("search:alert_delete", args=[alert.pk])).status_code == 405


def test_a_bad_search_is_not_saved_and_the_page_says_why(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("search:alert_create"), {"query": "closing_before=soon"}, follow=True
    )
    assert "Fix the search before you ask for emails about it" in response.content.decode()
    assert not SearchAlert.objects.exists()
    # Whatever is posted, the way back is a clean query string (no header injection, no 500).
    response = client.post(
        reverse("search:alert_create"), {"query": "closing_before=x\r\nSet-Cookie: a=b"}
    )
    assert response.status_code == 302
    assert "\n" not in response.url and response.url.startswith("/challenges/?closing_before=")
    assert not SearchAlert.objects.exists()
    # A search with errors offers no alert.
    page = client.get(reverse("challenges:list"), {"closing_before": "soon"}).content
    assert b'action="/search-alerts/new/"' not in page


def test_the_demo_supplier_admin_gets_one_demo_alert():
    import io

    from marketplace.accounts.demo import DEMO_EMAIL_DOMAIN
    from search.registry import _seed_demo

    _seed_demo(io.StringIO())  # no demo supplier yet: nothing to do
    assert not SearchAlert.objects.exists()
    user = UserFactory(email=f"supplier@{DEMO_EMAIL_DOMAIN}")
    _seed_demo(io.StringIO())
    _seed_demo(io.StringIO())
    alert = SearchAlert.objects.get(user=user)
    # Saved as the page would save it, and a valid search.
    assert alert.query == alerts.saved_query(QueryDict(alert.query))
    assert alerts.alert_form(alert).is_valid()
