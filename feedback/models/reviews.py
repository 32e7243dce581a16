"""Buyer reviews of suppliers, tied to a contract stage, moderated, with one supplier reply.

A stage is a met milestone or the end of the contract. ``ReviewInvitation`` is the dashboard
task the contract owner gets when a stage is reached; ``Review`` is what they write. Both are
unique per stage (database constraints), so a stage can be reviewed once.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from contracts.models import Contract, Milestone
from marketplace.accounts.models import Organisation, User
from marketplace.core.models import TimeStampedModel
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable
from suppliers.models import SupplierProfile

RATING_FIELDS = ("delivery", "quality", "value", "communication")
MAX_COMMENT = 2000


class Stage(models.TextChoices):
    MILESTONE = "milestone", "Milestone met"
    CONTRACT_END = "contract_end", "Contract ended"


def _stage_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=(Q(stage="milestone") & Q(milestone__isnull=False))
            | (Q(stage="contract_end") & Q(milestone__isnull=True)),
            name=f"{prefix}_stage_matches_milestone",
        ),
        models.UniqueConstraint(
            fields=["milestone"],
            condition=Q(stage="milestone"),
            name=f"{prefix}_one_per_milestone",
        ),
        models.UniqueConstraint(
            fields=["contract"],
            condition=Q(stage="contract_end"),
            name=f"{prefix}_one_per_contract_end",
        ),
    ]


class ReviewInvitation(TimeStampedModel):
    """The buyer organisation is asked to review the supplier at this stage of the contract."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="review_invitations"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Who was emailed (the contract owner, else the buyer organisation's buyers).
    invited = models.ManyToManyField(User, blank=True, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = _stage_constraints("review_invitation")

    def __str__(self) -> str:
        what = self.milestone.title if self.milestone_id else "end of contract"
        return f"Review {self.contract.reference} ({what})"


class Review(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for moderation"
        CHANGES_REQUESTED = "changes_requested", "Edit requested"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="review",
        transitions=[
            Transition(
                "edit",
                source={S.SUBMITTED, S.CHANGES_REQUESTED},
                target=S.SUBMITTED,
                event="edited",
                who="buyer",
                done="Review updated. It will be checked before it is published.",
            ),
            Transition(
                "publish",
                source={S.SUBMITTED},
                target=S.PUBLISHED,
                who="platform admin",
                done="Review published",
            ),
            Transition(
                "reject",
                source={S.SUBMITTED, S.CHANGES_REQUESTED},
                target=S.REJECTED,
                who="platform admin",
                done="Review rejected. We have told the author why.",
            ),
            Transition(
                "request_edit",
                source={S.SUBMITTED},
                target=S.CHANGES_REQUESTED,
                event="edit_requested",
                who="platform admin",
                done="Edit requested. We have told the author what to change.",
            ),
        ],
        styles={
            S.SUBMITTED: StatusStyle("blue", next_step="Check it against the guidelines"),
            S.CHANGES_REQUESTED: StatusStyle("yellow", next_step="Edit your review"),
            S.PUBLISHED: StatusStyle("green"),
            S.REJECTED: StatusStyle("red"),
        },
    )
    del S

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised from the contract for profile and API reads.
    supplier = models.ForeignKey(SupplierProfile, on_delete=models.PROTECT, related_name="reviews")
    reviewer_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reviews_written"
    )
    # Never shown publicly: the reviewer's organisation is shown, not the person.
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    delivery = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    quality = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    communication = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_work_again = models.BooleanField()
    comment = models.TextField(max_length=MAX_COMMENT)
    # Seen only by platform staff in the moderation screen; never on a page or in the API.
    confidential_note = models.TextField(max_length=MAX_COMMENT, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why it was rejected, or what to change; sent to the author.
    moderation_reason = models.TextField(blank=True)
    # The supplier disputes the review before publication; shown to moderators.
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-submitted_at", "-pk"]
        indexes = [models.Index(fields=["supplier", "status"])]
        constraints = [
            *_stage_constraints("review"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                    name=f"review_{name}_1_to_5",
                )
                for name in RATING_FIELDS
            ],
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="review_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "changes_requested"])
                | ~Q(moderation_reason=""),
                name="review_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.supplier} by {self.reviewer_organisation}"

    @property
    def is_verified(self) -> bool:
        """Every review is backed by a contract; the mark says so on the page."""
        return self.contract_id is not None

    @property
    def ratings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in RATING_FIELDS}


class ReviewReply(TimeStampedModel):
    """The supplier's one public reply to a review, moderated like the review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="review_reply",
        transitions=[
            Transition(
                "publish",
                source={S.SUBMITTED},
                target=S.PUBLISHED,
                who="platform admin",
                done="Reply published",
            ),
            Transition(
                "reject",
                source={S.SUBMITTED},
                target=S.REJECTED,
                who="platform admin",
                done="Reply rejected. We have told the supplier why.",
            ),
        ],
        styles={
            S.SUBMITTED: StatusStyle("blue", next_step="Check it against the guidelines"),
            S.PUBLISHED: StatusStyle("green"),
            S.REJECTED: StatusStyle("red"),
        },
    )
    del S

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="reply")
    text = models.TextField(max_length=MAX_COMMENT)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    published_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderation_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "reply"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="review_reply_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(moderation_reason=""),
                name="review_reply_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Reply to {self.review}"
