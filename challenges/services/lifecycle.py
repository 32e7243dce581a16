"""The challenge lifecycle: send for approval, approve, return to draft, open, close, cancel and
complete.

Which status each transition may start from, where it leads, its audit event and its "done"
message come from ``Challenge.TRANSITIONS``. Each service locks the row, checks the table,
stamps ``*_at``/``*_by``, audits with the previous status and emails after commit.
Opening and closing on time are run by Celery beat (``challenges.tasks``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed

from ..models import AssessmentPeriod, Challenge, Phase
from ..selectors.access import challenge_org_ids, is_challenge_buyer, is_programme_member
from ..signals import challenge_opened
from ._common import buyer_emails, challenge_link, ensure_challenge_buyer, lock, queue_email, save
from .challenges import readiness_problems

Status = Challenge.Status
TRANSITIONS = Challenge.TRANSITIONS
MAX_REASON_LENGTH = 5000


def _transition(
    challenge: Challenge, name: str, *, by: User | None, changes: dict, check=None, **payload
) -> Challenge:
    """Lock, check the table allows ``name``, run ``check``, apply ``changes``, audit."""
    challenge = lock(challenge)
    transition = TRANSITIONS.ensure(challenge, name)
    if check is not None:
        check(challenge)
    previous = challenge.status
    challenge.status = transition.target
    for field, value in changes.items():
        setattr(challenge, field, value)
    save(challenge)
    audit(by, TRANSITIONS.event(name), challenge, previous_status=previous, **payload)
    return challenge


def _email_buyers(
    challenge: Challenge, template: str, *, exclude: User | None = None, **context
) -> None:
    queue_email(
        template,
        buyer_emails(challenge_org_ids(challenge), exclude=exclude),
        {
            "title": challenge.title,
            "url": challenge_link(challenge, "challenges:manage_detail"),
            **context,
        },
    )


def _clean_text(text: str, *, what: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(f"Enter {what}", field=field)
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"{what[0].upper()}{what[1:]} must be {MAX_REASON_LENGTH:,} characters or fewer",
            field=field,
        )
    return text


@transaction.atomic
def challenge_submit_for_review(*, challenge: Challenge, by: User) -> Challenge:
    """Send a finished draft for approval by a second buyer. Refused with every problem listed
    (phases, envelopes within the budget, weights adding up to 100, questions, dates, place)."""
    ensure_challenge_buyer(by, challenge)

    def ready(locked: Challenge) -> None:
        problems = readiness_problems(locked)
        if problems:
            raise ValidationFailed(
                "You need to fix these before you send the challenge for approval: "
                + "; ".join(problems)
            )

    challenge = _transition(
        challenge,
        "submit_for_review",
        by=by,
        changes={"submitted_at": timezone.now(), "submitted_by": by, "review_comments": ""},
        check=ready,
    )
    _email_buyers(challenge, "challenge_submitted", exclude=by, submitted_by=str(by))
    return challenge


def can_approve(user: User, challenge: Challenge) -> bool:
    """A second buyer of the lead or a co-funding organisation, or a programme member; never
    the person who sent it for approval."""
    if not getattr(user, "is_authenticated", False) or user.pk == challenge.submitted_by_id:
        return False
    return is_challenge_buyer(user, challenge) or is_programme_member(user)


def _ensure_can_approve(user: User, challenge: Challenge) -> None:
    if getattr(user, "pk", None) == challenge.submitted_by_id:
        raise PermissionDenied(
            "You sent this challenge for approval, so a second buyer must approve it"
        )
    if not can_approve(user, challenge):
        raise PermissionDenied("Only a second buyer or the programme can approve this challenge")


@transaction.atomic
def challenge_approve(*, challenge: Challenge, by: User) -> Challenge:
    """Approve a challenge in review: it is scheduled and opens when phase 1 opens."""
    challenge = _transition(
        challenge,
        "approve",
        by=by,
        changes={"approved_at": timezone.now(), "approved_by": by},
        check=lambda locked: _ensure_can_approve(by, locked),
    )
    _email_buyers(challenge, "challenge_approved", approved_by=str(by))
    return challenge


@transaction.atomic
def challenge_return_to_draft(*, challenge: Challenge, by: User, comments: str) -> Challenge:
    """Send a challenge in review back to its authors with what to change."""
    comments = _clean_text(comments, what="what needs to change", field="comments")
    challenge = _transition(
        challenge,
        "return_to_draft",
        by=by,
        changes={"review_comments": comments, "submitted_at": None},
        check=lambda locked: _ensure_can_approve(by, locked),
        comments=comments,
    )
    _email_buyers(challenge, "challenge_returned", comments=comments)
    return challenge


def _current_phase(challenge: Challenge) -> Phase | None:
    return challenge.phases.filter(number=challenge.current_phase_number).first()


@transaction.atomic
def challenge_open(*, challenge: Challenge, by: User | None = None) -> Challenge:
    """Open the challenge for applications. From scheduled, phase 1 opens; from decided, the
    next phase (by invitation only). Open calls get their first assessment period."""
    now = timezone.now()
    locked = lock(challenge)
    TRANSITIONS.ensure(locked, "open")
    phase_number = locked.current_phase_number
    if locked.status == Status.DECIDED:
        phase_number += 1
        if not locked.phases.filter(number=phase_number).exists():
            raise ValidationFailed("There is no next phase to open")
    challenge = _transition(
        locked,
        "open",
        by=by,
        changes={"opened_at": now, "current_phase_number": phase_number, "closed_at": None},
        phase=phase_number,
    )
    phase = _current_phase(challenge)
    if challenge.is_open_call and phase is not None and not phase.periods.exists():
        _add_period(phase, starts_at=now, days=challenge.assessment_period_days or 30)
    _email_buyers(challenge, "challenge_opened")
    from ..tasks import send_opportunity_alerts

    if phase_number == 1:
        challenge_id = challenge.pk
        transaction.on_commit(lambda: send_opportunity_alerts.delay(challenge_id))
        transaction.on_commit(
            lambda: challenge_opened.send(sender=Challenge, challenge_id=challenge_id),
            robust=True,
        )
    return challenge


@transaction.atomic
def challenge_close(*, challenge: Challenge, by: User | None = None) -> Challenge:
    """Stop taking applications (run by beat at the closing time)."""
    challenge = _transition(challenge, "close", by=by, changes={"closed_at": timezone.now()})
    _email_buyers(challenge, "challenge_closed")
    return challenge


@transaction.atomic
def challenge_cancel(*, challenge: Challenge, by: User, reason: str) -> Challenge:
    """Cancel from any status before complete, with a reason everyone can see."""
    ensure_challenge_buyer(by, challenge)
    reason = _clean_text(reason, what="why the challenge is cancelled", field="reason")
    challenge = _transition(
        challenge,
        "cancel",
        by=by,
        changes={
            "cancelled_at": timezone.now(),
            "cancelled_by": by,
            "cancellation_reason": reason,
        },
        reason=reason,
    )
    _email_buyers(challenge, "challenge_cancelled", reason=reason)
    return challenge


@transaction.atomic
def challenge_complete(*, challenge: Challenge, by: User) -> Challenge:
    """Mark a decided challenge as complete: no more phases will open."""
    ensure_challenge_buyer(by, challenge)
    challenge = _transition(challenge, "complete", by=by, changes={"completed_at": timezone.now()})
    _email_buyers(challenge, "challenge_completed")
    return challenge


# --- Open calls: assessment periods ------------------------------------------------------------


def _add_period(phase: Phase, *, starts_at: datetime.datetime, days: int) -> AssessmentPeriod:
    number = (phase.periods.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    period = AssessmentPeriod(
        phase=phase,
        number=number,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(days=days),
    )
    save(period)
    return period


@transaction.atomic
def assessment_periods_roll(*, challenge: Challenge) -> list[AssessmentPeriod]:
    """For an open call: when the latest period has ended, start the next one (as many as
    needed to reach now). Safe to run again: nothing happens until a period ends."""
    challenge = lock(challenge)
    if challenge.status != Status.OPEN or not challenge.is_open_call:
        return []
    phase = _current_phase(challenge)
    if phase is None:
        return []
    now = timezone.now()
    days = challenge.assessment_period_days or 30
    latest = phase.periods.order_by("-number").first()
    created = []
    if latest is None:
        created.append(_add_period(phase, starts_at=now, days=days))
        return created
    while latest.ends_at <= now:
        latest = _add_period(phase, starts_at=latest.ends_at, days=days)
        created.append(latest)
    for period in created:
        audit(None, "challenge.period_started", challenge, period=period.number)
    return created


# --- What beat looks for -----------------------------------------------------------------------


def due_to_open(now: datetime.datetime):
    """Scheduled challenges whose phase 1 opening time has come."""
    return Challenge.objects.filter(
        status=Status.SCHEDULED,
        phases__number=1,
        phases__opens_at__lte=now,
    ).distinct()


def due_to_close(now: datetime.datetime):
    """Open competitions whose current phase closing time has come."""
    from django.db.models import F

    return Challenge.objects.filter(
        status=Status.OPEN,
        mode=Challenge.Mode.COMPETITION,
        phases__number=F("current_phase_number"),
        phases__closes_at__lte=now,
    ).distinct()
