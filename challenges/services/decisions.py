"""Funding decisions, feedback release and phase progression.

- Shortlist, mark not eligible, fund / reserve / decline with reasons: ``Application.TRANSITIONS``.
- Funding never goes over the phase envelope or its maximum contracts (checked under a lock on
  the phase, so two buyers deciding at once cannot both take the last money).
- ``challenge_decide`` moves the challenge assessing -> decided once every application of the
  current phase has a decision; ``feedback_release`` tells every applicant at one time.
- ``phase_open_next`` invites the suppliers funded in phase N and opens phase N+1 to them only.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import ValidationFailed
from marketplace.core.money import format_gbp

from ..models import Application, Challenge, Phase
from ..selectors.assessment import application_cost, funded_total
from ..signals import phase_decided
from .assessment import ensure_buyer

TRANSITIONS = Application.TRANSITIONS
Status = Application.Status
C_TRANSITIONS = Challenge.TRANSITIONS
DECISIONS = ("fund", "reserve", "decline")
UNDECIDED = (Status.SUBMITTED, Status.SHORTLISTED)
MAX_REASONS = 5000


def _lock_for_decision(application: Application, by: User) -> Application:
    # The phase first: every decision of a phase queues on it, so envelope checks are exact.
    Phase.objects.select_for_update().get(pk=application.phase_id)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("phase", "phase__challenge", "supplier")
        .get(pk=application.pk)
    )
    ensure_buyer(by, application.phase.challenge)
    return application


def _clean_reasons(reasons: str, *, required: bool = True) -> str:
    reasons = (reasons or "").strip()
    if required and not reasons:
        raise ValidationFailed("Enter the reasons for this decision", field="reasons")
    if len(reasons) > MAX_REASONS:
        raise ValidationFailed(
            f"The reasons must be {MAX_REASONS:,} characters or fewer", field="reasons"
        )
    return reasons


def _apply(application: Application, name: str, *, by: User, changes: dict, **payload):
    transition = TRANSITIONS.ensure(application, name)
    previous = application.status
    application.status = transition.target
    for field, value in changes.items():
        setattr(application, field, value)
    application.save()
    audit(by, TRANSITIONS.event(name), application, previous_status=previous, **payload)
    return application


def _ensure_assessing(application: Application) -> None:
    if application.phase.challenge.status != Challenge.Status.ASSESSING:
        raise ValidationFailed("Decisions can only be made while the challenge is being assessed")


@transaction.atomic
def application_shortlist(*, application: Application, by: User) -> Application:
    application = _lock_for_decision(application, by)
    return _apply(application, "shortlist", by=by, changes={})


@transaction.atomic
def application_mark_ineligible(*, application: Application, by: User, reasons: str) -> Application:
    reasons = _clean_reasons(reasons)
    application = _lock_for_decision(application, by)
    return _apply(
        application,
        "mark_ineligible",
        by=by,
        changes={"decision_reasons": reasons, "decided_at": timezone.now(), "decided_by": by},
        reasons=reasons,
    )


@transaction.atomic
def application_decide(
    *, application: Application, by: User, decision: str, reasons: str
) -> Application:
    """Fund, reserve or decline a moderated application, with reasons.

    Funding is refused when it would take the phase over its envelope or maximum contracts.
    """
    if decision not in DECISIONS:
        raise ValidationFailed("Choose fund, reserve or do not fund", field="decision")
    reasons = _clean_reasons(reasons)
    application = _lock_for_decision(application, by)
    TRANSITIONS.ensure(application, decision)
    _ensure_assessing(application)
    if application.consensus_total is None:
        raise ValidationFailed("Moderate this application's scores before you decide")
    phase = application.phase
    if decision == "fund":
        count, total = funded_total(phase, exclude_pk=application.pk)
        cost = application_cost(application)
        if count + 1 > phase.max_contracts:
            raise ValidationFailed(
                f"This phase can fund at most {phase.max_contracts} contracts, and "
                f"{count} are already funded"
            )
        if total + cost > phase.envelope_pence:
            raise ValidationFailed(
                f"Funding this application ({format_gbp(cost)}) would go over the phase "
                f"envelope of {format_gbp(phase.envelope_pence)}. "
                f"{format_gbp(phase.envelope_pence - total)} is left"
            )
    return _apply(
        application,
        decision,
        by=by,
        changes={"decision_reasons": reasons, "decided_at": timezone.now(), "decided_by": by},
        reasons=reasons,
    )


# --- The challenge ------------------------------------------------------------------------------


def _challenge_side(name: str):
    """The challenge side's lifecycle service of that name, when it has written one."""
    from . import lifecycle

    return getattr(lifecycle, name, None)


@transaction.atomic
def challenge_start_assessment(*, challenge: Challenge, by: User) -> Challenge:
    """Closed (or an open call's open) challenge -> assessing."""
    service = _challenge_side("challenge_start_assessment")
    if service is not None:
        return service(challenge=challenge, by=by)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    ensure_buyer(by, challenge)
    C_TRANSITIONS.ensure(challenge, "start_assessment")
    previous = challenge.status
    challenge.status = C_TRANSITIONS["start_assessment"].target
    challenge.save(update_fields=["status", "updated_at"])
    audit(by, C_TRANSITIONS.event("start_assessment"), challenge, previous_status=previous)
    return challenge


def _current_phase(challenge: Challenge) -> Phase:
    phase = Phase.objects.filter(challenge=challenge, number=challenge.current_phase_number).first()
    if phase is None:
        raise ValidationFailed("This challenge has no current phase")
    return phase


@transaction.atomic
def challenge_decide(*, challenge: Challenge, by: User) -> Challenge:
    """Assessing -> decided once every application of the current phase has a decision."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    ensure_buyer(by, challenge)
    C_TRANSITIONS.ensure(challenge, "decide")
    phase = _current_phase(challenge)
    undecided = Application.objects.filter(phase=phase, status__in=UNDECIDED).count()
    if undecided:
        raise ValidationFailed(
            f"Decide every application first: {undecided} still "
            f"{'needs' if undecided == 1 else 'need'} a decision"
        )
    service = _challenge_side("challenge_decide")
    now = timezone.now()
    if service is not None:
        challenge = service(challenge=challenge, by=by)
    else:
        previous = challenge.status
        challenge.status = C_TRANSITIONS["decide"].target
        challenge.decided_at = now
        challenge.save(update_fields=["status", "decided_at", "updated_at"])
        audit(by, C_TRANSITIONS.event("decide"), challenge, previous_status=previous)
    Phase.objects.filter(pk=phase.pk).update(decided_at=now)
    if challenge.is_open_call:
        phase.periods.filter(ends_at__lte=now, decided_at__isnull=True).update(decided_at=now)
    transaction.on_commit(lambda: phase_decided.send(sender=Phase, phase=phase, by=by), robust=True)
    return challenge


@transaction.atomic
def feedback_release(*, phase: Phase, by: User) -> Phase:
    """Release consensus scores and feedback to every applicant of a decided phase, at once."""
    phase = Phase.objects.select_for_update().select_related("challenge").get(pk=phase.pk)
    ensure_buyer(by, phase.challenge)
    if phase.decided_at is None:
        raise ValidationFailed("Record the funding decisions before you release feedback")
    if phase.feedback_released_at is not None:
        raise ValidationFailed("Feedback for this phase has already been released")
    phase.feedback_released_at = timezone.now()
    phase.save(update_fields=["feedback_released_at", "updated_at"])
    audit(by, "phase.feedback_released", phase, challenge=phase.challenge_id)
    from marketplace.notifications.services import absolute_url
    from marketplace.notifications.tasks import send_email_task

    from .reminders import EMAILS, supplier_emails

    decided = Application.objects.filter(
        phase=phase,
        status__in=(Status.FUNDED, Status.RESERVE, Status.UNFUNDED, Status.INELIGIBLE),
    )
    for application in decided:
        to = supplier_emails(application.supplier_id)
        if not to:
            continue
        context = {
            "challenge": phase.challenge.title,
            "phase": str(phase),
            "decision": application.get_status_display(),
            "link": absolute_url(reverse("challenges:application_feedback", args=[application.pk])),
        }
        transaction.on_commit(
            lambda to=to, context=context: send_email_task.delay(
                EMAILS + "feedback_released", to, context
            )
        )
    return phase


# --- Phase progression ------------------------------------------------------------------------


@transaction.atomic
def phase_open_next(*, challenge: Challenge, by: User) -> Challenge:
    """Decided phase N -> invite its funded suppliers and open phase N+1 to them only."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    ensure_buyer(by, challenge)
    if challenge.status != Challenge.Status.DECIDED:
        raise ValidationFailed("Decide the current phase before you open the next one")
    C_TRANSITIONS.ensure(challenge, "open")
    phase = _current_phase(challenge)
    next_phase = Phase.objects.filter(challenge=challenge, number=phase.number + 1).first()
    if next_phase is None:
        raise ValidationFailed("This challenge has no next phase. Mark it as complete instead")
    if not Application.objects.filter(phase=phase, status=Status.FUNDED).exists():
        raise ValidationFailed(
            f"No supplier was funded in phase {phase.number}, so phase {next_phase.number} "
            "cannot open"
        )
    from .invitations import phase_invite_funded
    from .lifecycle import challenge_open

    phase_invite_funded(phase=next_phase, by=by)

    return challenge_open(challenge=challenge, by=by)
