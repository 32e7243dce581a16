"""Search alerts (services): a signed-in user saves a challenge search and is emailed when a
challenge that the search finds opens for applications: once per challenge, however many of
their searches find it, and not at all if the challenge's opportunity alert goes to them.

An alert keeps the search page's query string (``saved_query``), and matching runs it through
``search.run`` exactly as ``/challenges/`` does, narrowed to the one challenge that opened
(the ``ids`` filter): the page, the API and the alerts cannot disagree about what a search
finds, on either backend. The challenges app announces an opening with its declared event
``challenges.signals.challenge_opened``; ``search.signals`` queues ``search.tasks.send_search_alerts``
for it after commit.

Each alert costs one search per opening (a few milliseconds with the ``ids`` filter), so a few
thousand alerts take seconds in the worker. Elasticsearch's percolator is the tool if that
ever grows to hundreds of thousands.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http import QueryDict

from challenges.models import Challenge
from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed

from .forms import ChallengeSearchForm
from .models import SearchAlert, SearchAlertSent

MAX_ALERTS_PER_USER = 20
MAX_QUERY_LENGTH = SearchAlert._meta.get_field("query").max_length
# Parameters that change how results are shown, not which: never part of a saved search.
_NOT_SAVED = frozenset({"page", "page_size", "sort"})


def saved_query(data: QueryDict) -> str:
    """The query string an alert keeps: the search's filters in a fixed order (by name; the
    values of one name in the order given), without paging, sort or empty values, and with old
    spellings (``text``) under their names now (``q``), so the same search saved twice is the
    same string."""
    aliases = ChallengeSearchForm.aliases
    known = set(ChallengeSearchForm.base_fields)
    pairs = [
        (aliases.get(name, name), value)
        for name in data
        if aliases.get(name, name) in known and name not in _NOT_SAVED
        for value in data.getlist(name)
        if value.strip() != ""
    ]
    pairs.sort(key=lambda pair: pair[0])  # stable: a name's values keep their order
    return urlencode(pairs)


def alerts_of(user: User):
    """A user's search alerts, newest first (the list page's read)."""
    return SearchAlert.objects.filter(user=user).order_by("-created_at", "-pk")


def alert_form(alert: SearchAlert) -> ChallengeSearchForm:
    """The challenge search form bound to what the alert saved."""
    return ChallengeSearchForm(QueryDict(alert.query) or None)


def alert_problem(form: ChallengeSearchForm) -> str:
    """Why a saved search no longer runs ("Capability: Choose ..."), or "" if it does. Such an
    alert sends nothing until it is stopped and saved again."""
    if not form.is_bound or form.is_valid():
        return ""
    name, messages = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else "The search"
    return f"{label}: {messages[0]}"


def search_alert_save(*, user: User, data: QueryDict) -> tuple[SearchAlert, bool]:
    """Save the challenge search in ``data`` (a query string) as an alert for ``user``.
    Returns (alert, created): saving a search already saved returns that alert."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to get emails about new challenges")
    query = saved_query(data)
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            "This search is too long to save. Remove some words or filters, then try again"
        )
    if problem := alert_problem(ChallengeSearchForm(QueryDict(query) or None)):
        raise ValidationFailed(f"Fix the search before you ask for emails about it. {problem}")
    with transaction.atomic():
        existing = SearchAlert.objects.filter(user=user, query=query).first()
        if existing is not None:
            return existing, False
        # Lock the user's row so two saves at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if SearchAlert.objects.filter(user=user).count() >= MAX_ALERTS_PER_USER:
            raise ValidationFailed(
                f"You already get emails for {MAX_ALERTS_PER_USER} searches, the most you can "
                "have. Stop one of them on your search alerts page, then save this one"
            )
        try:
            with transaction.atomic():
                alert = SearchAlert.objects.create(user=user, query=query)
        except IntegrityError:  # the same search saved at the same moment
            return SearchAlert.objects.get(user=user, query=query), False
        audit(user, "search_alert.saved", alert, query=query)
    return alert, True


@transaction.atomic
def search_alert_delete(*, user: User, alert_id: int) -> None:
    """Stop an alert. Only its owner can; anyone else is told it does not exist."""
    alert = SearchAlert.objects.filter(pk=alert_id, user=user).select_for_update().first()
    if alert is None:
        raise SearchAlert.DoesNotExist
    audit(user, "search_alert.stopped", alert, query=alert.query)
    alert.delete()


def search_alerts_send(*, challenge_id: int) -> int:
    """Email the owner of every alert whose search finds this challenge, now that it is open.
    A person is emailed once per challenge: one email however many of their searches find it,
    and none if the challenge's opportunity alert goes to them (it tells them the same). Each
    alert is recorded as told, so running this again sends nothing. Returns how many emails
    were sent this time."""
    from challenges.services.alerts import opportunity_alert_user_ids

    from . import indexing, run

    challenge = Challenge.objects.filter(pk=challenge_id, status=Challenge.Status.OPEN).first()
    if challenge is None:
        return 0
    # The index is brought up to date first: its own task may not have run yet.
    indexing.update("challenges", [challenge_id])
    alerts = (
        SearchAlert.objects.filter(user__is_active=True)
        .exclude(sent__challenge_id=challenge_id)
        .select_related("user")
        .order_by("pk")
    )
    found: dict[int, list[SearchAlert]] = {}  # by user, in the order saved
    for alert in alerts.iterator(chunk_size=500):
        form = alert_form(alert)
        if alert_problem(form):
            # A value it saved no longer exists (a capability renamed, a place unknown): the
            # page would leave that filter out and find more; an alert must not.
            continue
        query = form.query()
        if query is None:
            continue
        one = replace(
            query,
            filters={**query.filters, "ids": (challenge_id,)},
            facets=(),
            page=1,
            page_size=1,
        )
        if run(one).hits:
            found.setdefault(alert.user_id, []).append(alert)
    told_by_opportunity_alert = opportunity_alert_user_ids(challenge, found)
    sent = 0
    for user_id, user_alerts in found.items():
        email = user_id not in told_by_opportunity_alert
        if _record_and_email(user_alerts, challenge, email=email):
            sent += 1
    return sent


def _record_and_email(alerts: list[SearchAlert], challenge: Challenge, *, email: bool) -> bool:
    """Record that these alerts of one person told them about ``challenge``; email them once
    (about the first alert not told before), if ``email``. Returns whether an email went."""
    from django.urls import reverse

    from marketplace.notifications.services import absolute_url
    from marketplace.notifications.tasks import send_email_task

    with transaction.atomic():
        new = [
            alert
            for alert in alerts
            if SearchAlertSent.objects.get_or_create(alert=alert, challenge=challenge)[1]
        ]
        if not new or not email:
            return False
        alert = new[0]
        context = {
            "title": challenge.title,
            "summary": challenge.summary,
            "url": absolute_url(reverse("challenges:detail", args=[challenge.slug])),
            "search_url": absolute_url(reverse("challenges:list") + "?" + alert.query),
            "search_alerts_url": absolute_url(reverse("search:alerts")),
        }
        to = [alert.user.email]
        transaction.on_commit(lambda: send_email_task.delay("search/emails/alert", to, context))
    return True
