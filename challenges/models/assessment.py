"""Assessment: assessors declare conflicts, score each criterion 0-10, the buyer moderates."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from marketplace.accounts.models import User
from marketplace.core.models import TimeStampedModel
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable

from .application import Application
from .challenge import Criterion


class AssessorAssignment(TimeStampedModel):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Declare conflicts"
        SCORING = "scoring", "Scoring"
        CONFLICTED = "conflicted", "Conflict declared"
        SUBMITTED = "submitted", "Scores submitted"

    TRANSITIONS = TransitionTable(
        prefix="assignment",
        transitions=[
            Transition(
                "declare_no_conflict",
                source={Status.ASSIGNED},
                target=Status.SCORING,
                event="no_conflict",
                done="Thank you. You can now score this application.",
            ),
            Transition(
                "declare_conflict",
                source={Status.ASSIGNED, Status.SCORING},
                target=Status.CONFLICTED,
                event="conflict",
                done="Conflict recorded. The buyer will assign someone else.",
            ),
            Transition(
                "submit_scores",
                source={Status.SCORING},
                target=Status.SUBMITTED,
                event="scores_submitted",
                done="Scores submitted",
            ),
        ],
        styles={
            Status.ASSIGNED: StatusStyle("orange", next_step="Declare any conflict of interest"),
            Status.SCORING: StatusStyle("blue", next_step="Score each criterion and submit"),
            Status.CONFLICTED: StatusStyle("red"),
            Status.SUBMITTED: StatusStyle("green"),
        },
    )

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    conflict_details = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "assessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="assignment_unique_assessor"
            ),
            models.CheckConstraint(
                condition=~Q(status="conflicted") | ~Q(conflict_details=""),
                name="assignment_conflict_has_details",
            ),
        ]


class Score(models.Model):
    assignment = models.ForeignKey(
        AssessorAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="score_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10"


class ConsensusScore(models.Model):
    """The moderated score per criterion; its comment is the feedback the applicant receives."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="consensus_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    feedback = models.TextField()
    moderation_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="consensus_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10), name="consensus_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 (consensus)"
