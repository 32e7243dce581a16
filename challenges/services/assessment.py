"""Assessment: the buyer assigns assessors, each declares conflicts then scores every criterion
0-10 with comments; the buyer moderates (consensus per criterion) and the weighted total ranks
the applications.

Status changes of an assignment go through ``AssessorAssignment.TRANSITIONS``. A conflict
blocks scoring that application for that assessor; the buyer sees it and assigns someone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Membership, Role, User
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed

from ..limits import MAX_COMMENT
from ..models import (
    Application,
    AssessorAssignment,
    Challenge,
    ConsensusScore,
    Criterion,
    Score,
)
from ..selectors.access import challenge_org_ids, is_challenge_buyer

A_TRANSITIONS = AssessorAssignment.TRANSITIONS
AStatus = AssessorAssignment.Status
# Applications in these statuses are assessed; drafts and withdrawn ones never are.
ASSESSABLE = (Application.Status.SUBMITTED, Application.Status.SHORTLISTED)
# Scoring and assigning happen from submission (open calls stay open) until decisions.
ASSESSING_CHALLENGE = (Challenge.Status.OPEN, Challenge.Status.CLOSED, Challenge.Status.ASSESSING)
MODERATION_REASON_GAP = 2


def ensure_buyer(user: User, challenge: Challenge) -> None:
    if not is_challenge_buyer(user, challenge):
        raise PermissionDenied(
            "Only buyers of the organisations running this challenge can do this"
        )


def assessor_candidates(challenge: Challenge):
    """Users with the assessor role in the buyer or a co-funding organisation."""
    return (
        User.objects.filter(
            memberships__organisation_id__in=challenge_org_ids(challenge),
            memberships__role=Role.ASSESSOR,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def is_assessor_for(user: User, challenge: Challenge) -> bool:
    return Membership.objects.filter(
        user=user, role=Role.ASSESSOR, organisation_id__in=challenge_org_ids(challenge)
    ).exists()


def _lock_assignment(assignment: AssessorAssignment) -> AssessorAssignment:
    return (
        AssessorAssignment.objects.select_for_update(of=("self",))
        .select_related("application", "application__phase", "application__phase__challenge")
        .get(pk=assignment.pk)
    )


def _ensure_own(assignment: AssessorAssignment, user: User) -> None:
    if assignment.assessor_id != user.pk:
        raise PermissionDenied("This assessment is assigned to someone else")


def _assignment_transition(assignment, name: str, *, by: User, changes: dict, **payload):
    transition = A_TRANSITIONS.ensure(assignment, name)
    previous = assignment.status
    assignment.status = transition.target
    for field, value in changes.items():
        setattr(assignment, field, value)
    assignment.save()
    audit(by, A_TRANSITIONS.event(name), assignment, previous_status=previous, **payload)
    return assignment


# --- Assigning ---------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(*, application: Application, assessor: User, by: User) -> AssessorAssignment:
    """The buyer asks an assessor (of the buyer or a co-funder) to assess an application."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("phase", "phase__challenge")
        .get(pk=application.pk)
    )
    challenge = application.phase.challenge
    ensure_buyer(by, challenge)
    if application.status not in ASSESSABLE or challenge.status not in ASSESSING_CHALLENGE:
        raise ValidationFailed("You can only assign assessors to submitted applications")
    if not is_assessor_for(assessor, challenge):
        raise ValidationFailed(
            "Choose an assessor from your organisation or a co-funding organisation"
        )
    if AssessorAssignment.objects.filter(application=application, assessor=assessor).exists():
        raise ValidationFailed(f"{assessor} is already assigned to this application")
    assignment = AssessorAssignment.objects.create(
        application=application, assessor=assessor, assigned_by=by
    )
    audit(by, "assignment.created", assignment, assessor=assessor.pk)
    from marketplace.notifications.services import absolute_url

    from .reminders import EMAILS

    context = {
        "challenge": challenge.title,
        "phase": str(application.phase),
        "assigned_by": str(by),
        "link": absolute_url("/assessments/"),
    }
    from marketplace.notifications.tasks import send_email_task

    to = [assessor.email]
    transaction.on_commit(lambda: send_email_task.delay(EMAILS + "assessor_assigned", to, context))
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: AssessorAssignment, by: User) -> None:
    """Take an assignment back before its scores are submitted (conflicts stay on record)."""
    assignment = _lock_assignment(assignment)
    ensure_buyer(by, assignment.application.phase.challenge)
    if assignment.status in (AStatus.SUBMITTED, AStatus.CONFLICTED):
        raise ValidationFailed(
            "You cannot remove an assessor who has submitted scores or declared a conflict"
        )
    audit(by, "assignment.removed", assignment, assessor=assignment.assessor_id)
    assignment.delete()


# --- Conflicts ---------------------------------------------------------------------------------


@transaction.atomic
def assignment_declare_no_conflict(
    *, assignment: AssessorAssignment, by: User
) -> AssessorAssignment:
    assignment = _lock_assignment(assignment)
    _ensure_own(assignment, by)
    return _assignment_transition(
        assignment, "declare_no_conflict", by=by, changes={"declared_at": timezone.now()}
    )


@transaction.atomic
def assignment_declare_conflict(
    *, assignment: AssessorAssignment, by: User, details: str
) -> AssessorAssignment:
    """Declare a conflict of interest: scoring this application is then blocked for you."""
    details = (details or "").strip()
    if not details:
        raise ValidationFailed("Describe the conflict of interest", field="details")
    if len(details) > MAX_COMMENT:
        raise ValidationFailed(
            f"Describe the conflict in {MAX_COMMENT:,} characters or fewer", field="details"
        )
    assignment = _lock_assignment(assignment)
    _ensure_own(assignment, by)
    assignment = _assignment_transition(
        assignment,
        "declare_conflict",
        by=by,
        changes={"conflict_details": details, "declared_at": timezone.now()},
    )
    # Scores saved before the conflict came to light must not count.
    assignment.scores.all().delete()
    return assignment


# --- Scoring -----------------------------------------------------------------------------------


def parse_score(value, *, criterion: Criterion) -> int:
    """A whole number from 0 to 10, else a message naming the criterion."""
    message = f"Score \u201c{criterion.title}\u201d with a whole number from 0 to 10"
    if isinstance(value, bool):
        raise ValidationFailed(message, field=f"score_{criterion.pk}")
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 2:
            raise ValidationFailed(message, field=f"score_{criterion.pk}")
        number = int(text)
    if not 0 <= number <= 10:
        raise ValidationFailed(message, field=f"score_{criterion.pk}")
    return number


@transaction.atomic
def scores_save(
    *, assignment: AssessorAssignment, by: User, scores: dict[int, tuple[object, str]]
) -> AssessorAssignment:
    """Save scores (0-10) and comments for some or all criteria. Refused after a conflict."""
    assignment = _lock_assignment(assignment)
    _ensure_own(assignment, by)
    if assignment.status == AStatus.CONFLICTED:
        raise PermissionDenied(
            "You declared a conflict of interest, so you cannot score this application"
        )
    if assignment.status != AStatus.SCORING:
        raise ValidationFailed(
            "Declare any conflict of interest before you score"
            if assignment.status == AStatus.ASSIGNED
            else "You have already submitted your scores"
        )
    criteria = {c.pk: c for c in assignment.application.phase.criteria.all()}
    for criterion_id, (value, comment) in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationFailed("That criterion is not part of this phase")
        if value in (None, "") and not (comment or "").strip():
            continue
        number = parse_score(value, criterion=criterion)
        Score.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"score": number, "comment": (comment or "").strip()[:MAX_COMMENT]},
        )
    audit(by, "assignment.scores_saved", assignment, criteria=sorted(map(int, scores)))
    return assignment


@transaction.atomic
def assignment_submit_scores(*, assignment: AssessorAssignment, by: User) -> AssessorAssignment:
    """Submit: every criterion must have a score. Others' scores become visible to you."""
    assignment = _lock_assignment(assignment)
    _ensure_own(assignment, by)
    A_TRANSITIONS.ensure(assignment, "submit_scores")
    scored = set(assignment.scores.values_list("criterion_id", flat=True))
    missing = [c.title for c in assignment.application.phase.criteria.all() if c.pk not in scored]
    if missing:
        raise ValidationFailed(
            "Score every criterion before you submit: "
            + ", ".join(f"\u201c{m}\u201d" for m in missing)
        )
    return _assignment_transition(
        assignment, "submit_scores", by=by, changes={"submitted_at": timezone.now()}
    )


# --- Moderation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    criterion: Criterion
    scores: tuple[int, ...]

    @property
    def minimum(self) -> int | None:
        return min(self.scores) if self.scores else None

    @property
    def maximum(self) -> int | None:
        return max(self.scores) if self.scores else None

    @property
    def mean(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


def submitted_count(application: Application) -> int:
    return application.assignments.filter(status=AStatus.SUBMITTED).count()


def scoring_complete(application: Application) -> bool:
    """At least ``phase.min_assessors`` assessors (not conflicted) have submitted scores."""
    return submitted_count(application) >= application.phase.min_assessors


def score_spread(application: Application) -> list[Spread]:
    """Per criterion: the submitted scores, with their min, max and mean."""
    by_criterion: dict[int, list[int]] = {}
    for criterion_id, score in Score.objects.filter(
        assignment__application=application, assignment__status=AStatus.SUBMITTED
    ).values_list("criterion_id", "score"):
        by_criterion.setdefault(criterion_id, []).append(score)
    return [
        Spread(criterion, tuple(sorted(by_criterion.get(criterion.pk, []))))
        for criterion in application.phase.criteria.all()
    ]


def weighted_total(scores: dict[int, int], criteria) -> int:
    """sum(score x weight): out of 1000 when the weights sum to 100."""
    return sum(scores[c.pk] * c.weight for c in criteria)


@transaction.atomic
def consensus_record(
    *,
    application: Application,
    by: User,
    scores: dict[int, tuple[object, str, str]],
) -> Application:
    """Record the moderated score, feedback and (when it differs from the assessors' mean by
    more than 2) a reason, for every criterion; stores the weighted total for ranking."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("phase", "phase__challenge")
        .get(pk=application.pk)
    )
    challenge = application.phase.challenge
    ensure_buyer(by, challenge)
    if application.status not in ASSESSABLE or challenge.status != Challenge.Status.ASSESSING:
        raise ValidationFailed("You can only moderate submitted applications during assessment")
    if not scoring_complete(application):
        raise ValidationFailed(
            f"At least {application.phase.min_assessors} assessors must submit scores "
            "before you moderate this application"
        )
    spreads = {s.criterion.pk: s for s in score_spread(application)}
    criteria = list(application.phase.criteria.all())
    recorded: dict[int, int] = {}
    for criterion in criteria:
        value, feedback, reason = scores.get(criterion.pk, (None, "", ""))
        number = parse_score(value, criterion=criterion)
        feedback = (feedback or "").strip()[:MAX_COMMENT]
        reason = (reason or "").strip()[:MAX_COMMENT]
        if not feedback:
            raise ValidationFailed(
                f"Enter feedback for \u201c{criterion.title}\u201d",
                field=f"feedback_{criterion.pk}",
            )
        mean = spreads[criterion.pk].mean
        if mean is not None and abs(number - mean) > MODERATION_REASON_GAP and not reason:
            raise ValidationFailed(
                f"Your score for \u201c{criterion.title}\u201d differs from the assessors' "
                f"average ({mean}) by more than {MODERATION_REASON_GAP}. Give a reason",
                field=f"reason_{criterion.pk}",
            )
        ConsensusScore.objects.update_or_create(
            application=application,
            criterion=criterion,
            defaults={
                "score": number,
                "feedback": feedback,
                "moderation_reason": reason,
                "recorded_by": by,
            },
        )
        recorded[criterion.pk] = number
    application.consensus_total = weighted_total(recorded, criteria)
    application.save(update_fields=["consensus_total", "updated_at"])
    audit(by, "application.moderated", application, consensus_total=application.consensus_total)
    return application
