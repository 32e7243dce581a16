"""Reads for assessment, moderation and decisions.

- An assessor sees only their own assignments; an application's content only once they have
  declared no conflict; other assessors' scores only after submitting their own.
- In blind mode nothing that identifies the supplier reaches an assessor's page: views build
  what assessors see from ``assessor_view_of`` only.
- A buyer sees a challenge's applications only for challenges their organisation runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from marketplace.accounts.models import Role

from ..models import (
    Answer,
    Application,
    AssessorAssignment,
    Challenge,
    ConsensusScore,
    Phase,
    Score,
)
from .access import buyer_org_ids

AStatus = AssessorAssignment.Status
# Applications that take part in ranking and decisions.
RANKED = (
    Application.Status.SUBMITTED,
    Application.Status.SHORTLISTED,
    Application.Status.FUNDED,
    Application.Status.RESERVE,
    Application.Status.UNFUNDED,
)
CONTENT_VISIBLE = (AStatus.SCORING, AStatus.SUBMITTED)


# --- Assessors ---------------------------------------------------------------------------------


def assignments_for_assessor(user) -> QuerySet[AssessorAssignment]:
    """The assessor's dashboard: every assignment with the challenge and phase it belongs to."""
    return (
        AssessorAssignment.objects.filter(assessor=user)
        .select_related(
            "application",
            "application__phase",
            "application__phase__challenge",
            "application__supplier",
        )
        .annotate(scored=Count("scores"))
        .order_by("status", "-created_at")
    )


def assignment_for_assessor(user, pk: int) -> AssessorAssignment:
    """One of ``user``'s own assignments; anyone else's is "not found"."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    assignment = (
        AssessorAssignment.objects.filter(pk=pk, assessor=user)
        .select_related(
            "application",
            "application__phase",
            "application__phase__challenge",
            "application__supplier",
        )
        .prefetch_related("scores", "application__phase__criteria")
        .first()
    )
    if assignment is None:
        raise Http404("No such assessment")
    return assignment


@dataclass
class AssessorView:
    """What an assessor may see of an application (identity left out in blind mode)."""

    title: str
    challenge: Challenge
    phase: Phase
    blind: bool
    supplier_name: str = ""
    company_number: str = ""
    website: str = ""
    partners: list[str] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    attachments: list = field(default_factory=list)


def assessor_view_of(assignment: AssessorAssignment) -> AssessorView:
    application = assignment.application
    phase = application.phase
    view = AssessorView(
        title=application.title,
        challenge=phase.challenge,
        phase=phase,
        blind=phase.blind_assessment,
    )
    if not phase.blind_assessment:
        supplier = application.supplier
        view.supplier_name = supplier.display_name
        view.company_number = supplier.company_number
        view.website = supplier.website
        view.partners = [p.display_name for p in application.partners.all()]
    if assignment.status in CONTENT_VISIBLE:
        answers = {
            a.question_id: a.text
            for a in Answer.objects.filter(application=application).only("question_id", "text")
        }
        view.answers = [
            {"question": q, "text": answers.get(q.pk, "")} for q in phase.questions.all()
        ]
        view.attachments = list(application.attachments.all())
    return view


def attachment_for_assessor(user, assignment_pk: int, attachment_pk: int):
    assignment = assignment_for_assessor(user, assignment_pk)
    if assignment.status not in CONTENT_VISIBLE:
        raise Http404
    attachment = assignment.application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


def other_scores(assignment: AssessorAssignment) -> list[dict]:
    """Other assessors' submitted scores, only once this assessor has submitted theirs.
    Assessors are numbered, not named."""
    if assignment.status != AStatus.SUBMITTED:
        return []
    others = (
        AssessorAssignment.objects.filter(
            application=assignment.application_id, status=AStatus.SUBMITTED
        )
        .exclude(pk=assignment.pk)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("pk")
    )
    return [
        {"label": f"Assessor {n}", "scores": list(other.scores.all())}
        for n, other in enumerate(others, start=2)
    ]


# --- Buyers ------------------------------------------------------------------------------------


def challenge_for_buyer(user, slug: str) -> Challenge:
    """A challenge run (or co-funded) by one of ``user``'s buyer organisations; else 404."""
    orgs = buyer_org_ids(user)
    challenge = (
        Challenge.objects.filter(slug=slug)
        .filter(Q(buyer_id__in=orgs) | Q(co_funders__in=orgs))
        .select_related("buyer")
        .prefetch_related("phases")
        .distinct()
        .first()
    )
    if challenge is None:
        raise Http404("No such challenge")
    return challenge


def application_for_buyer(user, challenge: Challenge, pk: int) -> Application:
    application = (
        Application.objects.filter(pk=pk, phase__challenge=challenge)
        .exclude(status=Application.Status.DRAFT)
        .select_related("phase", "phase__challenge", "supplier")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=AssessorAssignment.objects.select_related("assessor").prefetch_related(
                    "scores"
                ),
            ),
            "consensus_scores",
            "phase__criteria",
            "partners",
        )
        .first()
    )
    if application is None:
        raise Http404("No such application")
    return application


def applications_for_buyer(phase: Phase) -> QuerySet[Application]:
    """Submitted (not draft) applications of a phase with assessment progress, for the list."""
    return (
        Application.objects.filter(phase=phase)
        .exclude(status=Application.Status.DRAFT)
        .select_related("supplier", "period")
        .annotate(
            assessors=Count("assignments", distinct=True),
            submitted_scores=Count(
                "assignments", filter=Q(assignments__status=AStatus.SUBMITTED), distinct=True
            ),
            conflicts=Count(
                "assignments", filter=Q(assignments__status=AStatus.CONFLICTED), distinct=True
            ),
        )
        .order_by("-consensus_total", "submitted_at", "pk")
    )


def application_cost(application: Application) -> int:
    """What funding the application costs: the amount asked for, else one contract's budget."""
    return application.requested_pence or application.phase.budget_per_contract_pence


@dataclass
class FundingRow:
    application: Application
    rank: int
    cost: int
    cumulative: int
    above_line: bool


@dataclass
class FundingLine:
    rows: list[FundingRow]
    envelope: int
    max_contracts: int
    # What funding everyone above the line would cost, and what the envelope has left then.
    committed: int
    money_left: int
    # Index in ``rows`` after which the line falls (number of rows above it).
    line_after: int


def ranking(phase: Phase, *, period=None) -> list[Application]:
    """Moderated applications by weighted total, highest first; earlier submission breaks ties."""
    qs = Application.objects.filter(
        phase=phase, status__in=RANKED, consensus_total__isnull=False
    ).select_related("supplier", "phase")
    if period is not None:
        qs = qs.filter(period=period)
    return list(qs.order_by("-consensus_total", "submitted_at", "pk"))


def funding_line(phase: Phase, *, period=None) -> FundingLine:
    """Fund the highest ranked first until the envelope or the maximum contracts is reached.

    The line falls before the first application that would go over either limit.
    """
    rows: list[FundingRow] = []
    cumulative = 0
    count = 0
    line_open = True
    for rank, application in enumerate(ranking(phase, period=period), start=1):
        cost = application_cost(application)
        fits = (
            line_open and count < phase.max_contracts and cumulative + cost <= phase.envelope_pence
        )
        if fits:
            cumulative += cost
            count += 1
        else:
            line_open = False
        rows.append(FundingRow(application, rank, cost, cumulative, fits))
    return FundingLine(
        rows=rows,
        envelope=phase.envelope_pence,
        max_contracts=phase.max_contracts,
        committed=cumulative,
        money_left=phase.envelope_pence - cumulative,
        line_after=count,
    )


def funded_total(phase: Phase, *, exclude_pk: int | None = None) -> tuple[int, int]:
    """(number of funded applications, their total cost) in ``phase``."""
    funded = Application.objects.filter(phase=phase, status=Application.Status.FUNDED)
    if exclude_pk is not None:
        funded = funded.exclude(pk=exclude_pk)
    funded = list(funded.select_related("phase"))
    return len(funded), sum(application_cost(a) for a in funded)


# --- Applicants --------------------------------------------------------------------------------


def feedback_for_applicant(application: Application) -> list[ConsensusScore] | None:
    """Consensus score and feedback per criterion once feedback is released, else None.

    Never individual assessors' scores or names.
    """
    if application.phase.feedback_released_at is None:
        return None
    return list(
        ConsensusScore.objects.filter(application=application)
        .select_related("criterion")
        .only("score", "feedback", "criterion__title", "criterion__weight", "criterion__order")
        .order_by("criterion__order", "criterion__pk")
    )


def assessor_dashboard_context(request) -> dict | None:
    """The assessor dashboard panel: assigned, conflicts and progress (None if none)."""
    from .applications import user_roles

    if Role.ASSESSOR not in user_roles(request):
        return None
    assignments = list(assignments_for_assessor(request.user))
    if not assignments:
        return None
    done = [a for a in assignments if a.status == AStatus.SUBMITTED]
    return {
        "to_do": [a for a in assignments if a.status in (AStatus.ASSIGNED, AStatus.SCORING)],
        "conflicts": [a for a in assignments if a.status == AStatus.CONFLICTED],
        "done": done,
        "progress": (len(done), len(assignments)),
    }
