"""Reads for challenges: the public list and detail (also the API), the buyer's pages, Q&A.

Drafts and challenges waiting for approval are never public. Every function says what a page
loads, so list pages stay at a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from marketplace.accounts.models import Membership, Organisation, Role, User
from suppliers.models import Capability

from ..models import (
    Challenge,
    ChallengeDocument,
    ChallengeWatch,
    ClarificationQuestion,
    CompetitionInvitation,
    Phase,
)

PUBLIC_STATUSES = (
    Challenge.Status.SCHEDULED,
    Challenge.Status.OPEN,
    Challenge.Status.CLOSED,
    Challenge.Status.ASSESSING,
    Challenge.Status.DECIDED,
    Challenge.Status.COMPLETE,
    Challenge.Status.CANCELLED,
)
CLOSING_SOON_DAYS = 14


@dataclass(frozen=True)
class ChallengeFilters:
    # "" means any public status; the list page defaults to open.
    status: str = Challenge.Status.OPEN
    buyer: str = ""  # organisation slug
    capability: str = ""  # slug; a heading matches its entries too
    region: str = ""  # ITL1 code; UK-wide challenges match every region
    budget_min_pence: int | None = None
    budget_max_pence: int | None = None
    closing_soon: bool = False
    procedure: str = ""


def _current_phase(field: str):
    return Subquery(
        Phase.objects.filter(
            challenge=OuterRef("pk"), number=OuterRef("current_phase_number")
        ).values(field)[:1]
    )


def _public_base() -> QuerySet[Challenge]:
    return Challenge.objects.filter(status__in=PUBLIC_STATUSES)


def _with_list_relations(qs: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return (
        qs.select_related("buyer", "region")
        .prefetch_related(Prefetch("capabilities", queryset=Capability.objects.order_by("name")))
        .annotate(
            current_opens_at=_current_phase("opens_at"),
            current_closes_at=_current_phase("closes_at"),
        )
    )


def _apply_filters(qs: QuerySet[Challenge], filters: ChallengeFilters) -> QuerySet[Challenge]:
    """Every list filter as plain ORM filters. A search backend can replace this function."""
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.buyer:
        qs = qs.filter(Q(buyer__slug=filters.buyer) | Q(co_funders__slug=filters.buyer))
    if filters.capability:
        qs = qs.filter(
            pk__in=Challenge.capabilities.through.objects.filter(
                Q(capability__slug=filters.capability)
                | Q(capability__parent__slug=filters.capability)
            ).values("challenge_id")
        )
    if filters.region:
        qs = qs.filter(Q(uk_wide=True) | Q(region_id=filters.region))
    if filters.budget_min_pence is not None:
        qs = qs.filter(budget_pence__gte=filters.budget_min_pence)
    if filters.budget_max_pence is not None:
        qs = qs.filter(budget_pence__lte=filters.budget_max_pence)
    if filters.closing_soon:
        now = timezone.now()
        qs = qs.filter(
            status=Challenge.Status.OPEN,
            pk__in=Phase.objects.filter(
                number=F("challenge__current_phase_number"),
                closes_at__gt=now,
                closes_at__lte=now + datetime.timedelta(days=CLOSING_SOON_DAYS),
            ).values("challenge_id"),
        )
    if filters.procedure:
        qs = qs.filter(procedure=filters.procedure)
    return qs.distinct()


def challenge_list_public(*, filters: ChallengeFilters) -> QuerySet[Challenge]:
    """Public challenges matching ``filters``, soonest closing first (open calls last)."""
    qs = _with_list_relations(_apply_filters(_public_base(), filters))
    return qs.order_by(F("current_closes_at").asc(nulls_last=True), "title", "pk")


def challenge_get_public(*, slug: str | None = None, pk: int | None = None) -> Challenge:
    """A public challenge with what its page shows. ``Challenge.DoesNotExist`` otherwise."""
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    return (
        _with_list_relations(_public_base())
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("number")),
            Prefetch("documents", queryset=ChallengeDocument.objects.order_by("title")),
            Prefetch("co_funders", queryset=Organisation.objects.order_by("name")),
        )
        .get(**lookup)
    )


def published_questions(challenge: Challenge) -> QuerySet[ClarificationQuestion]:
    """Published Q&A, oldest first. Callers show only question, answer and published_at."""
    return ClarificationQuestion.objects.filter(
        challenge=challenge, status=ClarificationQuestion.Status.PUBLISHED
    ).order_by("published_at", "pk")


def questions_asked_by(challenge: Challenge, user: User) -> QuerySet[ClarificationQuestion]:
    """The questions this user asked about the challenge, with any private answer."""
    if not user.is_authenticated:
        return ClarificationQuestion.objects.none()
    return ClarificationQuestion.objects.filter(challenge=challenge, asked_by=user).order_by(
        "created_at"
    )


def is_watching(challenge: Challenge, user: User) -> bool:
    return (
        user.is_authenticated
        and ChallengeWatch.objects.filter(challenge=challenge, user=user).exists()
    )


def invited_phase_numbers(challenge: Challenge, user: User) -> list[int]:
    """Phases of ``challenge`` the user's supplier was invited to (to show "Invited")."""
    if not user.is_authenticated:
        return []
    return list(
        CompetitionInvitation.objects.filter(
            phase__challenge=challenge,
            supplier__organisation__memberships__user=user,
        )
        .values_list("phase__number", flat=True)
        .distinct()
        .order_by("phase__number")
    )


def buyer_options() -> list[tuple[str, str]]:
    """Buying organisations with at least one public challenge, for the filter."""
    return list(
        Organisation.objects.filter(challenges__status__in=PUBLIC_STATUSES)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )


def latest_open(*, limit: int = 3) -> list[Challenge]:
    """For the home page: the most recently opened challenges."""
    return list(
        _with_list_relations(_public_base().filter(status=Challenge.Status.OPEN)).order_by(
            F("opened_at").desc(nulls_last=True), "-pk"
        )[:limit]
    )


# --- Buyer pages -------------------------------------------------------------------------------


def buyer_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations the user can run challenges for (buyer role)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role=Role.BUYER,
        kind__in=(Organisation.Kind.BUYER, Organisation.Kind.PROGRAMME),
    ).distinct()


def _managed_by(user: User) -> Q:
    org_ids = Membership.objects.filter(user=user, role=Role.BUYER).values("organisation_id")
    return Q(buyer_id__in=org_ids) | Q(co_funders__in=org_ids)


def challenge_list_for_buyer(*, user: User) -> QuerySet[Challenge]:
    """Challenges of the user's organisations (lead or co-funder), newest first, with the
    number of questions waiting for an answer."""
    if not user.is_authenticated:
        return Challenge.objects.none()
    ids = Challenge.objects.filter(_managed_by(user)).values("pk")
    return (
        Challenge.objects.filter(pk__in=ids)
        .select_related("buyer")
        .annotate(
            questions_waiting=Count(
                "clarifications",
                filter=Q(clarifications__status=ClarificationQuestion.Status.ASKED),
            ),
            current_closes_at=_current_phase("closes_at"),
        )
        .order_by("-created_at", "-pk")
    )


def challenges_to_approve(*, user: User) -> QuerySet[Challenge]:
    """Challenges in review that this user may approve (not their own submissions)."""
    if not user.is_authenticated:
        return Challenge.objects.none()
    programme = Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.PROGRAMME
    ).exists()
    qs = Challenge.objects.filter(status=Challenge.Status.IN_REVIEW).exclude(submitted_by=user)
    if not programme:
        qs = qs.filter(pk__in=Challenge.objects.filter(_managed_by(user)).values("pk"))
    return qs.select_related("buyer").order_by("submitted_at", "pk")


def challenge_get_for_buyer(*, user: User, slug: str) -> Challenge:
    """A challenge the user's organisation runs, in any status, with its drafting parts.
    Programme members may also read challenges in review. ``DoesNotExist`` otherwise."""
    if not user.is_authenticated:
        raise Challenge.DoesNotExist
    visible = _managed_by(user)
    if Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.PROGRAMME
    ).exists():
        visible |= Q(status=Challenge.Status.IN_REVIEW)
    ids = Challenge.objects.filter(visible).values("pk")
    return (
        Challenge.objects.filter(pk__in=ids)
        .select_related("buyer", "region", "submitted_by", "approved_by")
        .prefetch_related(
            Prefetch(
                "phases",
                queryset=Phase.objects.order_by("number").prefetch_related(
                    "criteria", "questions", "invitations__supplier"
                ),
            ),
            "capabilities",
            "co_funders",
            "documents",
        )
        .get(slug=slug)
    )


def clarification_inbox(challenge: Challenge) -> QuerySet[ClarificationQuestion]:
    """All questions for the buyer: waiting ones first."""
    return (
        ClarificationQuestion.objects.filter(challenge=challenge)
        .select_related("supplier", "asked_by")
        .annotate(
            waiting=Exists(
                ClarificationQuestion.objects.filter(
                    pk=OuterRef("pk"), status=ClarificationQuestion.Status.ASKED
                )
            )
        )
        .order_by("-waiting", "created_at")
    )


def watched_challenges(*, user: User) -> QuerySet[Challenge]:
    if not user.is_authenticated:
        return Challenge.objects.none()
    return _with_list_relations(_public_base().filter(watches__user=user)).order_by(
        F("current_closes_at").asc(nulls_last=True), "pk"
    )


def open_call_ids() -> list[int]:
    """Open calls taking applications now (beat rolls their assessment periods)."""
    return list(
        Challenge.objects.filter(
            status=Challenge.Status.OPEN, mode=Challenge.Mode.OPEN_CALL
        ).values_list("pk", flat=True)
    )
