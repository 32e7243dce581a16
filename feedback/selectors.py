"""Reads for the feedback app: ratings (for the profile, the API and search), published
reviews, dashboard lists, the moderation queue and buyer process aggregates.

Ratings use a Bayesian average: each supplier starts with ``PRIOR_WEIGHT`` imaginary reviews at
``PRIOR_MEAN``, so ``(PRIOR_WEIGHT * PRIOR_MEAN + sum) / (PRIOR_WEIGHT + n)``. One 5-star review
gives 3.88, not 5; ten 5-star reviews give 4.65. The prior is a fixed constant rather than the
site-wide mean, so publishing one review changes one supplier's rating and never re-ranks the
rest (and the search index stays right without a full reindex). 3.5 is a little above the scale's
midpoint because most honest public-sector reviews are favourable; a weight of 3 lets a supplier
with a handful of good reviews overtake one with a single perfect review.
"""

from __future__ import annotations

from django.db.models import Avg, Count, F, Prefetch, Q, Sum

from challenges.models import Application
from contracts.access import BUYER_ROLES, SUPPLIER_ROLES, organisation_ids
from contracts.models import Milestone, Payment
from marketplace.accounts.models import Role

from .models import ProcessFeedback, Review, ReviewInvitation, ReviewReply
from .models.process import ANONYMITY_THRESHOLD, PROCESS_FIELDS
from .models.reviews import RATING_FIELDS

PRIOR_MEAN = 3.5
PRIOR_WEIGHT = 3


def bayesian(total: float, count: int) -> float | None:
    if not count:
        return None
    return round((PRIOR_WEIGHT * PRIOR_MEAN + total) / (PRIOR_WEIGHT + count), 2)


def _published():
    return Review.objects.filter(status=Review.Status.PUBLISHED)


def _sums(supplier_ids) -> dict[int, dict]:
    rows = (
        _published()
        .filter(supplier_id__in=list(supplier_ids))
        .values("supplier_id")
        .annotate(count=Count("pk"), **{name: Sum(name) for name in RATING_FIELDS})
    )
    return {row["supplier_id"]: row for row in rows}


def rating_for_suppliers(supplier_ids) -> dict[int, dict]:
    """``{supplier id: {"count", "average", "dimensions": {...}}}`` in one query; averages are
    Bayesian, and None when a supplier has no published review."""
    ids = [int(pk) for pk in supplier_ids]
    sums = _sums(ids)
    out = {}
    for pk in ids:
        row = sums.get(pk)
        count = row["count"] if row else 0
        dimensions = {name: bayesian(row[name], count) if row else None for name in RATING_FIELDS}
        overall = (
            bayesian(sum(row[name] for name in RATING_FIELDS) / len(RATING_FIELDS), count)
            if row
            else None
        )
        out[pk] = {"count": count, "average": overall, "dimensions": dimensions}
    return out


def rating_distribution(supplier_id: int) -> list[tuple[int, int]]:
    """How many published reviews gave each overall star rating (their four ratings' mean,
    rounded), from 5 stars down to 1."""
    counts = dict.fromkeys(range(1, 6), 0)
    for row in _published().filter(supplier_id=supplier_id).values(*RATING_FIELDS):
        stars = int(sum(row.values()) / len(RATING_FIELDS) + 0.5)
        counts[min(5, max(1, stars))] += 1
    return [(stars, counts[stars]) for stars in range(5, 0, -1)]


def published_reviews(supplier_id: int):
    """Published reviews, newest first, with the reviewer's organisation and published reply
    (never the author's name or the confidential note)."""
    return (
        _published()
        .filter(supplier_id=supplier_id)
        .select_related("reviewer_organisation", "contract", "milestone")
        .prefetch_related(
            Prefetch(
                "reply",
                queryset=ReviewReply.objects.filter(status=ReviewReply.Status.PUBLISHED),
            )
        )
        .defer("confidential_note")
    )


def published_reply(review: Review) -> ReviewReply | None:
    reply = getattr(review, "reply", None)
    if reply is None or reply.status != ReviewReply.Status.PUBLISHED:
        return None
    return reply


def delivery_record(supplier_id: int) -> dict[str, int]:
    """Milestones on the supplier's contracts: met on time, met late, partly met, not met."""
    done = Milestone.objects.filter(contract__supplier_id=supplier_id)
    return done.aggregate(
        on_time=Count("pk", filter=Q(status=Milestone.Status.MET, met_at__date__lte=F("due_on"))),
        late=Count("pk", filter=Q(status=Milestone.Status.MET, met_at__date__gt=F("due_on"))),
        partly=Count("pk", filter=Q(status=Milestone.Status.PARTIALLY_MET)),
        not_met=Count("pk", filter=Q(status=Milestone.Status.NOT_MET)),
    )


def would_work_again(supplier_id: int) -> tuple[int, int]:
    """(yes, published reviews) for "would work with them again"."""
    row = (
        _published()
        .filter(supplier_id=supplier_id)
        .aggregate(yes=Count("pk", filter=Q(would_work_again=True)), total=Count("pk"))
    )
    return row["yes"], row["total"]


# --- Dashboards -------------------------------------------------------------------------------


def invitations_to_review(user):
    """Stages the user's buying organisations were invited to review and have not yet."""
    orgs = organisation_ids(user, BUYER_ROLES)
    if not orgs:
        return ReviewInvitation.objects.none()
    reviewed_milestones = Review.objects.filter(
        stage="milestone", contract__buyer_id__in=orgs
    ).values("milestone_id")
    ended_reviewed = Review.objects.filter(
        stage="contract_end", contract__buyer_id__in=orgs
    ).values("contract_id")
    return (
        ReviewInvitation.objects.filter(contract__buyer_id__in=orgs)
        .exclude(stage="milestone", milestone_id__in=reviewed_milestones)
        .exclude(stage="contract_end", contract_id__in=ended_reviewed)
        .select_related("contract__supplier", "milestone")
    )


def reviews_written(user):
    """Reviews written by the user's buying organisations (any status), newest first."""
    orgs = organisation_ids(user, BUYER_ROLES)
    return (
        Review.objects.filter(reviewer_organisation_id__in=orgs)
        .select_related("supplier", "contract", "milestone")
        .order_by("-submitted_at", "-pk")
    )


def reviews_received(user):
    """Reviews of the user's supplier organisations that were not rejected, with any reply
    (the confidential note is never loaded)."""
    orgs = organisation_ids(user, SUPPLIER_ROLES)
    return (
        Review.objects.filter(supplier__organisation_id__in=orgs)
        .exclude(status=Review.Status.REJECTED)
        .select_related("reviewer_organisation", "contract", "milestone", "supplier", "reply")
        .defer("confidential_note")
        .order_by("-submitted_at", "-pk")
    )


def review_for_author(*, pk: int, user) -> Review:
    """A review the user's buying organisation wrote (DoesNotExist otherwise)."""
    orgs = organisation_ids(user, BUYER_ROLES)
    return Review.objects.select_related("contract__supplier", "supplier", "milestone").get(
        pk=pk, reviewer_organisation_id__in=orgs
    )


def review_for_supplier(*, pk: int, user) -> Review:
    """A review of the user's supplier organisation, for its admins (DoesNotExist otherwise)."""
    orgs = organisation_ids(user, (Role.SUPPLIER_ADMIN,))
    return (
        Review.objects.select_related("supplier", "reviewer_organisation", "reply")
        .defer("confidential_note")
        .exclude(status=Review.Status.REJECTED)
        .get(pk=pk, supplier__organisation_id__in=orgs)
    )


def debrief_applications(user):
    """The user's supplier applications whose assessment feedback has been released."""
    orgs = organisation_ids(user, SUPPLIER_ROLES)
    return (
        Application.objects.filter(
            supplier__organisation_id__in=orgs, phase__feedback_released_at__isnull=False
        )
        .select_related("phase__challenge__buyer", "supplier")
        .order_by("-phase__feedback_released_at", "-pk")
    )


def process_feedback_given(user) -> set[tuple[int, int]]:
    """(supplier id, challenge id) pairs the user's suppliers have already rated."""
    orgs = organisation_ids(user, SUPPLIER_ROLES)
    return set(
        ProcessFeedback.objects.filter(supplier__organisation_id__in=orgs).values_list(
            "supplier_id", "challenge_id"
        )
    )


# --- Moderation -------------------------------------------------------------------------------


def moderation_queue():
    """Reviews waiting for a decision, disputed first, then oldest first."""
    return (
        Review.objects.filter(status=Review.Status.SUBMITTED)
        .select_related("supplier", "reviewer_organisation", "contract", "milestone")
        .order_by(F("disputed_at").desc(nulls_last=True), "submitted_at", "pk")
    )


def replies_queue():
    return (
        ReviewReply.objects.filter(status=ReviewReply.Status.SUBMITTED)
        .select_related("review__supplier", "review__reviewer_organisation")
        .order_by("created_at", "pk")
    )


def moderation_summary():
    """(waiting, oldest waiting) across reviews and replies, for the staff queue."""
    reviews = Review.objects.filter(status=Review.Status.SUBMITTED).order_by("submitted_at")
    replies = ReviewReply.objects.filter(status=ReviewReply.Status.SUBMITTED).order_by("created_at")
    dates = [
        d
        for d in (
            reviews.values_list("submitted_at", flat=True).first(),
            replies.values_list("created_at", flat=True).first(),
        )
        if d is not None
    ]
    return reviews.count() + replies.count(), min(dates) if dates else None


def review_for_moderation(pk: int) -> Review:
    return Review.objects.select_related(
        "supplier", "reviewer_organisation", "contract", "milestone"
    ).get(pk=pk)


def reply_for_moderation(pk: int) -> ReviewReply:
    return ReviewReply.objects.select_related(
        "review__supplier", "review__reviewer_organisation"
    ).get(pk=pk)


# --- Supplier feedback on buyers --------------------------------------------------------------


def payment_days(buyer_id: int) -> float | None:
    """Average days from a claim's approval to the supplier being paid, on the buyer's contracts."""
    paid = Payment.objects.filter(
        contract__buyer_id=buyer_id, status=Payment.Status.PAID, paid_at__isnull=False
    ).values_list("approved_at", "paid_at")
    spans = [(paid_at - approved_at).total_seconds() / 86400 for approved_at, paid_at in paid]
    return round(sum(spans) / len(spans), 1) if spans else None


def buyer_feedback(buyer_id: int) -> dict:
    """``{"responses": n, "aggregates": {...} or None}``: None until ``ANONYMITY_THRESHOLD``
    responses exist, so no single supplier's answers can be read off the averages."""
    rows = ProcessFeedback.objects.filter(buyer_id=buyer_id)
    row = rows.aggregate(responses=Count("pk"), **{name: Avg(name) for name in PROCESS_FIELDS})
    responses = row.pop("responses")
    if responses < ANONYMITY_THRESHOLD:
        return {"responses": responses, "aggregates": None}
    aggregates = {
        name: round(value, 2) if value is not None else None for name, value in row.items()
    }
    aggregates["payment_days_measured"] = payment_days(buyer_id)
    return {"responses": responses, "aggregates": aggregates}


# --- Lookups for pages ------------------------------------------------------------------------


def contract_for_reviewer(*, reference: str, user):
    """A contract of one of the user's buying organisations (DoesNotExist otherwise)."""
    from contracts.models import Contract

    return Contract.objects.select_related("supplier__organisation", "buyer").get(
        reference=reference, buyer_id__in=organisation_ids(user, BUYER_ROLES)
    )


def public_supplier(slug: str):
    from suppliers.models import SupplierProfile

    return SupplierProfile.objects.get(slug=slug, status=SupplierProfile.Status.APPROVED)


def buyer_organisation(slug: str):
    from marketplace.accounts.models import Organisation

    return Organisation.objects.get(slug=slug, kind=Organisation.Kind.BUYER)


def challenge_for_process_feedback(*, slug: str, user):
    """A challenge one of the user's suppliers applied to and got a decision on, with that
    supplier (DoesNotExist otherwise)."""
    from challenges.models import Challenge

    orgs = organisation_ids(user, (Role.SUPPLIER_ADMIN,))
    application = (
        Application.objects.filter(
            phase__challenge__slug=slug,
            supplier__organisation_id__in=orgs,
            status__in=(
                Application.Status.FUNDED,
                Application.Status.RESERVE,
                Application.Status.UNFUNDED,
                Application.Status.INELIGIBLE,
            ),
        )
        .select_related("phase__challenge__buyer", "supplier__organisation")
        .first()
    )
    if application is None:
        raise Challenge.DoesNotExist
    return application.phase.challenge, application.supplier


def application_for_debrief(*, pk: int, user) -> Application:
    orgs = organisation_ids(user, SUPPLIER_ROLES)
    return Application.objects.select_related("phase", "supplier").get(
        pk=pk, supplier__organisation_id__in=orgs, phase__feedback_released_at__isnull=False
    )


# --- Dashboard panels and profile contributions ----------------------------------------------


def buyer_dashboard_context(request) -> dict | None:
    to_write = list(invitations_to_review(request.user)[:10])
    if not to_write:
        return None
    return {"to_write": to_write}


def supplier_dashboard_context(request) -> dict | None:
    user = request.user
    if not organisation_ids(user, SUPPLIER_ROLES):
        return None
    debriefs = list(debrief_applications(user)[:10])
    rated = process_feedback_given(user)
    decided = {
        Application.Status.FUNDED,
        Application.Status.RESERVE,
        Application.Status.UNFUNDED,
        Application.Status.INELIGIBLE,
    }
    for application in debriefs:
        application.can_rate_buyer = (
            application.status in decided
            and (application.supplier_id, application.phase.challenge_id) not in rated
        )
    received = reviews_received(user)
    waiting = received.exclude(status=Review.Status.PUBLISHED).count()
    has_reviews = waiting > 0 or received.exists()
    if not debriefs and not has_reviews:
        return None
    return {"debriefs": debriefs, "reviews_waiting": waiting, "has_reviews": has_reviews}


def profile_reviews_context(request, profile) -> dict | None:
    """The reviews section of a public supplier profile: rating, the 3 newest reviews."""
    if not profile.is_public:
        return None
    recent = [
        {"review": review, "reply": published_reply(review)}
        for review in published_reviews(profile.pk)[:3]
    ]
    rating = rating_for_suppliers([profile.pk])[profile.pk]
    return {"supplier": profile, "rating": rating, "recent": recent}


def profile_rating_context(request, profile) -> dict | None:
    if not profile.is_public:
        return None
    return {"supplier": profile, "rating": rating_for_suppliers([profile.pk])[profile.pk]}


def public_supplier_by_id(pk: int):
    from suppliers.models import SupplierProfile

    return SupplierProfile.objects.filter(pk=pk, status=SupplierProfile.Status.APPROVED).first()


def buyer_organisation_by_id(pk: int):
    from marketplace.accounts.models import Organisation

    return Organisation.objects.filter(pk=pk, kind=Organisation.Kind.BUYER).first()
