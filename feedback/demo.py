"""Demo data for ``manage.py seed_demo`` (order 80, after the contracts demo).

Reviews in every moderation state on the demo contracts' reviewable stages (a published one
with a published supplier reply, one waiting and disputed, one sent back for an edit, one
rejected), and suppliers' process feedback: 5 responses for the first buyer (aggregates shown)
and 3 for the second (under the threshold, nothing shown). Idempotent: it only adds what is
missing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from challenges.models import Application, Challenge
from contracts.models import Contract, Milestone
from marketplace.accounts.models import Membership, Role, User
from suppliers.models import SupplierProfile

from .models import ProcessFeedback, Review, ReviewReply
from .models.process import ANONYMITY_THRESHOLD
from .models.reviews import Stage

STORIES = [
    # (status, ratings, would work again, comment, reply, dispute)
    (
        Review.Status.PUBLISHED,
        (5, 4, 4, 5),
        True,
        "The team delivered the discovery report on time, tested with residents in two wards "
        "and explained clearly what the data could and could not show.",
        "Thank you. The ward teams made the testing possible, and we have shared our method.",
        "",
    ),
    (
        Review.Status.SUBMITTED,
        (2, 3, 3, 2),
        True,
        "Useful prototype, but weekly updates stopped for a month and we had to chase.",
        "",
        "The pause was agreed at the steering group on 4 March; the minutes record it.",
    ),
    (
        Review.Status.CHANGES_REQUESTED,
        (4, 4, 3, 4),
        True,
        "Good work overall. Their project manager was difficult at times.",
        "",
        "",
    ),
    (
        Review.Status.REJECTED,
        (1, 1, 1, 1),
        False,
        "Terrible, avoid. Call me on 0113 496 0000 for details.",
        "",
        "",
    ),
]

MODERATION_REASONS = {
    Review.Status.CHANGES_REQUESTED: "Please describe the work rather than a person, then "
    "send it again.",
    Review.Status.REJECTED: "Reviews cannot include phone numbers, and must describe the work.",
}


def _stages():
    """Reviewable stages on demo contracts: met milestones, then ended contracts."""
    milestones = Milestone.objects.filter(
        status__in=(Milestone.Status.MET, Milestone.Status.PARTIALLY_MET)
    ).select_related("contract__supplier")
    for milestone in milestones.order_by("pk"):
        yield milestone.contract, milestone
    ended = Contract.objects.filter(
        status__in=(Contract.Status.COMPLETED, Contract.Status.TERMINATED)
    ).select_related("supplier")
    for contract in ended.order_by("pk"):
        yield contract, None


def _author(contract: Contract) -> User | None:
    if contract.owner_id:
        return contract.owner
    membership = (
        Membership.objects.filter(
            organisation_id=contract.buyer_id, role__in=(Role.BUYER, Role.COMMISSIONER)
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _seed_reviews(stdout) -> int:
    made = 0
    now = timezone.now()
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    for (contract, milestone), story in zip(_stages(), STORIES, strict=False):
        status, ratings, again, comment, reply_text, dispute = story
        stage = {"stage": Stage.MILESTONE if milestone else Stage.CONTRACT_END}
        stage["milestone"] = milestone
        if Review.objects.filter(contract=contract, **stage).exists():
            continue
        delivery, quality, value, communication = ratings
        review = Review.objects.create(
            contract=contract,
            supplier=contract.supplier,
            reviewer_organisation_id=contract.buyer_id,
            author=_author(contract),
            delivery=delivery,
            quality=quality,
            value=value,
            communication=communication,
            would_work_again=again,
            comment=comment,
            confidential_note="Demo: a note only platform moderators can read.",
            status=status,
            submitted_at=now,
            published_at=now if status == Review.Status.PUBLISHED else None,
            moderated_at=None if status == Review.Status.SUBMITTED else now,
            moderated_by=None if status == Review.Status.SUBMITTED else staff,
            moderation_reason=MODERATION_REASONS.get(status, ""),
            disputed_at=now if dispute else None,
            dispute_reason=dispute,
            **stage,
        )
        if reply_text:
            ReviewReply.objects.create(
                review=review,
                text=reply_text,
                status=ReviewReply.Status.PUBLISHED,
                published_at=now,
                moderated_at=now,
                moderated_by=staff,
            )
        made += 1
    return made


def _seed_process_feedback() -> int:
    """5 responses for the first buyer with decided applications, 3 for the second."""
    made = 0
    decided = (
        Application.Status.FUNDED,
        Application.Status.RESERVE,
        Application.Status.UNFUNDED,
        Application.Status.INELIGIBLE,
    )
    buyers = list(
        Challenge.objects.filter(phases__applications__status__in=decided)
        .values_list("buyer_id", flat=True)
        .distinct()
        .order_by("buyer_id")[:2]
    )
    suppliers = list(
        SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED).order_by("pk")
    )
    for buyer_id, wanted in zip(
        buyers, (ANONYMITY_THRESHOLD, ANONYMITY_THRESHOLD - 2), strict=False
    ):
        challenge = Challenge.objects.filter(buyer_id=buyer_id).order_by("pk").first()
        have = ProcessFeedback.objects.filter(buyer_id=buyer_id).count()
        for n, supplier in enumerate(suppliers):
            if have >= wanted:
                break
            _, created = ProcessFeedback.objects.get_or_create(
                supplier=supplier,
                challenge=challenge,
                defaults={
                    "buyer_id": buyer_id,
                    "clarity": 3 + n % 3,
                    "assessment_fairness": 4,
                    "assessment_speed": 2 + n % 3,
                    "feedback_quality": 3 + n % 2,
                    "payment_speed": 4 if n % 2 else None,
                },
            )
            if created:
                have += 1
                made += 1
    return made


@transaction.atomic
def seed(stdout) -> None:
    reviews = _seed_reviews(stdout)
    responses = _seed_process_feedback()
    stdout.write(f"Feedback demo: {reviews} reviews, {responses} process feedback responses\n")
