"""Reads for the application side: a supplier's applications, what a page loads, and who may
see which application.

Every private lookup is scoped to the user in the query itself, so an application that is not
yours is "not found" (404), the same as one that does not exist.
"""

from __future__ import annotations

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from marketplace.accounts.models import Role
from suppliers.models import SupplierProfile

from ..models import (
    Answer,
    Application,
    Challenge,
    CompetitionInvitation,
    Phase,
    Question,
)

SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


def count_words(text: str | None) -> int:
    """Words as a person counts them: runs of characters between spaces."""
    return len((text or "").split())


def supplier_for_user(user) -> SupplierProfile | None:
    """The supplier profile ``user`` works for (admin or team member), approved ones first."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SupplierProfile.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__role__in=SUPPLIER_ROLES,
        )
        .select_related("organisation")
        .annotate(
            approved=Case(
                When(status=SupplierProfile.Status.APPROVED, then=Value(0)), default=Value(1)
            )
        )
        # Approved first, then the oldest profile: stable for the same user.
        .order_by("approved", "pk")
        .first()
    )


def supplier_invited_to(phase: Phase, supplier: SupplierProfile) -> bool:
    """Whether ``supplier`` holds an invitation for ``phase`` (the only way into phase N+1)."""
    try:  # the challenge side's selector, when it exists, is the one rule
        from .challenges import supplier_invited_to as challenge_side_rule
    except ImportError:
        challenge_side_rule = None
    if challenge_side_rule is not None:
        return bool(challenge_side_rule(phase, supplier))
    return CompetitionInvitation.objects.filter(phase=phase, supplier=supplier).exists()


def current_phase(challenge: Challenge) -> Phase | None:
    for phase in challenge.phases.all():
        if phase.number == challenge.current_phase_number:
            return phase
    return None


def live_application(phase: Phase, supplier: SupplierProfile) -> Application | None:
    """The supplier's application to ``phase`` that is not withdrawn, if any."""
    return (
        Application.objects.filter(phase=phase, supplier=supplier)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )


def _with_everything(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related(
        "phase", "phase__challenge", "phase__challenge__buyer", "supplier", "period"
    ).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question")),
        "attachments",
        "partners",
        Prefetch("phase__questions", queryset=Question.objects.order_by("order", "pk")),
    )


def application_for_supplier_user(user, pk: int) -> Application:
    """An application of a supplier ``user`` works for, with what its pages show; else 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    qs = Application.objects.filter(
        pk=pk,
        supplier__organisation__memberships__user=user,
        supplier__organisation__memberships__role__in=SUPPLIER_ROLES,
    ).distinct()
    application = _with_everything(qs).first()
    if application is None:
        raise Http404("No such application")
    return application


def applications_for_supplier(supplier: SupplierProfile) -> QuerySet[Application]:
    """A supplier's applications for its dashboard, newest first."""
    return (
        Application.objects.filter(supplier=supplier)
        .select_related("phase", "phase__challenge")
        .order_by("-created_at")
    )


def invitations_for_supplier(supplier: SupplierProfile) -> QuerySet[CompetitionInvitation]:
    return CompetitionInvitation.objects.filter(supplier=supplier).select_related(
        "phase", "phase__challenge"
    )


def partner_candidates(
    *, query: str, exclude: SupplierProfile, limit: int = 20
) -> QuerySet[SupplierProfile]:
    """Approved suppliers matching a name or company number, for a consortium bid."""
    query = (query or "").strip()
    if len(query) < 2:
        return SupplierProfile.objects.none()
    return (
        SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED)
        .filter(
            Q(legal_name__icontains=query)
            | Q(trading_name__icontains=query)
            | Q(company_number__iexact=query)
        )
        .exclude(pk=exclude.pk)
        .order_by("legal_name")[:limit]
    )


def answers_by_question(application: Application) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in application.answers.all()}


def question_rows(application: Application) -> list[dict]:
    """Each question of the phase with the answer, its word count and whether it is over."""
    answers = answers_by_question(application)
    rows = []
    for question in application.phase.questions.all():
        answer = answers.get(question.pk)
        text = answer.text if answer else ""
        words = count_words(text)
        rows.append(
            {
                "question": question,
                "text": text,
                "words": words,
                "over_limit": words > question.word_limit,
                "missing": question.required and not text.strip(),
            }
        )
    return rows


def user_roles(request) -> set[str]:
    """Every role the signed-in user holds anywhere, read once per request (the dashboard
    panels of both sides ask)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return set()
    if not hasattr(request, "_challenges_roles"):
        from marketplace.accounts.models import Membership

        request._challenges_roles = set(
            Membership.objects.filter(user=user).values_list("role", flat=True)
        )
    return request._challenges_roles


def supplier_dashboard_context(request) -> dict | None:
    """The supplier dashboard panel: drafts, submitted, invitations, decisions, feedback links."""
    if not user_roles(request) & set(SUPPLIER_ROLES):
        return None
    supplier = supplier_for_user(request.user)
    if supplier is None:
        return None
    return {
        "applications": list(applications_for_supplier(supplier)[:20]),
        "invitations": list(invitations_for_supplier(supplier)[:10]),
    }
