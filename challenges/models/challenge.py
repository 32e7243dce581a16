"""A challenge: the problem a buyer wants solved, and its staged, capped funding phases.

Status changes only through ``challenges.services``; ``Challenge.TRANSITIONS`` says which
move is allowed from where. Money is integer pence.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from marketplace.accounts.models import Organisation, User
from marketplace.core.models import TimeStampedModel
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable
from suppliers.models import Capability, Region, SupplierProfile

MAX_PENCE = 10**13  # £100 billion: anything larger is a typing mistake.


class Challenge(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        ASSESSING = "assessing", "Assessing"
        DECIDED = "decided", "Decided"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    class Procedure(models.TextChoices):
        SBRI = "sbri", "SBRI pre-commercial procurement"
        INNOVATION_PARTNERSHIP = "innovation_partnership", "Innovation partnership"
        COMPETITIVE_DIALOGUE = "competitive_dialogue", "Competitive dialogue"
        DESIGN_CONTEST = "design_contest", "Design contest"
        COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"

    class Mode(models.TextChoices):
        COMPETITION = "competition", "Competition (fixed window)"
        OPEN_CALL = "open_call", "Open call (apply any time)"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="challenge",
        transitions=[
            Transition(
                "submit_for_review",
                source={S.DRAFT},
                target=S.IN_REVIEW,
                done="Challenge sent for approval",
            ),
            Transition(
                "return_to_draft",
                source={S.IN_REVIEW},
                target=S.DRAFT,
                event="returned",
                done="Challenge returned to draft with your comments",
            ),
            Transition(
                "approve",
                source={S.IN_REVIEW},
                target=S.SCHEDULED,
                event="approved",
                done="Challenge approved: it opens on the date set",
            ),
            Transition("open", source={S.SCHEDULED, S.DECIDED}, target=S.OPEN, event="opened"),
            Transition("close", source={S.OPEN}, target=S.CLOSED, event="closed"),
            Transition(
                "start_assessment",
                source={S.CLOSED, S.OPEN},
                target=S.ASSESSING,
                event="assessment_started",
                done="Assessment started",
            ),
            Transition(
                "decide",
                source={S.ASSESSING},
                target=S.DECIDED,
                event="decided",
                done="Funding decisions recorded",
            ),
            Transition(
                "complete",
                source={S.DECIDED},
                target=S.COMPLETE,
                event="completed",
                done="Challenge marked as complete",
            ),
            Transition(
                "cancel",
                source={
                    S.DRAFT,
                    S.IN_REVIEW,
                    S.SCHEDULED,
                    S.OPEN,
                    S.CLOSED,
                    S.ASSESSING,
                    S.DECIDED,
                },
                target=S.CANCELLED,
                event="cancelled",
                done="Challenge cancelled",
            ),
        ],
        styles={
            S.DRAFT: StatusStyle("grey", next_step="Finish the challenge and send it for approval"),
            S.IN_REVIEW: StatusStyle("blue", next_step="Waiting for a second buyer to approve"),
            S.SCHEDULED: StatusStyle("turquoise"),
            S.OPEN: StatusStyle("green"),
            S.CLOSED: StatusStyle("orange", next_step="Start the assessment"),
            S.ASSESSING: StatusStyle("purple", next_step="Moderate scores and decide funding"),
            S.DECIDED: StatusStyle("", next_step="Release feedback and open the next phase"),
            S.COMPLETE: StatusStyle("grey"),
            S.CANCELLED: StatusStyle("red"),
        },
    )
    del S

    # Public, never-changing identifier for URLs.
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300, help_text="One or two sentences for listings.")
    problem_statement = models.TextField()
    outcomes_sought = models.TextField(help_text="Measurable, time-bound outcomes.")
    who_is_affected = models.TextField(blank=True)
    data_and_assets = models.TextField(blank=True)
    constraints = models.TextField(blank=True)
    procedure = models.CharField(max_length=30, choices=Procedure.choices, default=Procedure.SBRI)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.COMPETITION)
    ip_terms = models.TextField(blank=True)
    data_terms = models.TextField(blank=True)
    eligibility = models.TextField(blank=True)
    # Certification scheme codes (suppliers.Certification.Scheme) an applicant must hold in date.
    required_certifications = models.JSONField(default=list, blank=True)

    # Place relevance: UK-wide, or a point (from a postcode or place) and a radius.
    uk_wide = models.BooleanField(default=True)
    place_name = models.CharField(max_length=100, blank=True)
    place_postcode = models.CharField(max_length=10, blank=True)
    place_radius_miles = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="challenges"
    )
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="challenges")

    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="challenges")
    co_funders = models.ManyToManyField(
        Organisation, blank=True, related_name="co_funded_challenges"
    )
    contact_name = models.CharField(max_length=100)
    contact_email = models.EmailField()
    budget_pence = models.BigIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PENCE)]
    )
    question_deadline = models.DateTimeField(null=True, blank=True)
    # Open calls only: length of each assessment period in days (for example 30).
    assessment_period_days = models.PositiveSmallIntegerField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    current_phase_number = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges_created"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comments = models.TextField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancellation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "mode"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_pence__gte=0), name="challenge_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="challenge_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(uk_wide=True) | Q(latitude__isnull=False, longitude__isnull=False),
                name="challenge_place_has_point",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Drafts and challenges waiting for approval are never shown to the public."""
        return self.status not in (self.Status.DRAFT, self.Status.IN_REVIEW)

    @property
    def is_open_call(self) -> bool:
        return self.mode == self.Mode.OPEN_CALL


class Phase(TimeStampedModel):
    """A funding stage: phase 1 is open to all; phase N+1 only to phase N's funded suppliers."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    budget_per_contract_pence = models.BigIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)]
    )
    max_contracts = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    # Always budget_per_contract_pence x max_contracts (checked by the database).
    envelope_pence = models.BigIntegerField()
    duration_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(520)]
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    # Empty for an open call: applications are taken at any time.
    closes_at = models.DateTimeField(null=True, blank=True)
    min_assessors = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    blind_assessment = models.BooleanField(
        default=False, help_text="Hide the supplier's identity from assessors."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    feedback_released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["challenge", "number"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="phase_unique_number"),
            models.CheckConstraint(
                condition=Q(envelope_pence=F("budget_per_contract_pence") * F("max_contracts")),
                name="phase_envelope_is_budget_times_contracts",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="phase_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Phase {self.number}: {self.name}"

    @property
    def by_invitation_only(self) -> bool:
        return self.number > 1


class Criterion(models.Model):
    """How applications to a phase are scored: weights of a phase sum to 100; scores are 0-10."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=150)
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["phase", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_to_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.weight}%)"


class Question(models.Model):
    """A question applicants answer, with a word limit."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    guidance = models.TextField(blank=True)
    word_limit = models.PositiveSmallIntegerField(
        default=500, validators=[MinValueValidator(10), MaxValueValidator(5000)]
    )
    required = models.BooleanField(default=True)
    # Prefill from the supplier profile ("tell us once"): a profile field name, or "".
    prefill_from = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["phase", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class ChallengeDocument(TimeStampedModel):
    """A document buyers publish with the challenge (checked by content, stored inert)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=150)
    file = models.FileField(upload_to="challenge-documents/")
    original_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["challenge", "title"]

    def __str__(self) -> str:
        return self.title


class AssessmentPeriod(models.Model):
    """Open calls: applications submitted in [starts_at, ends_at) are assessed together."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["phase", "number"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "number"], name="period_unique_number"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment period {self.number}"


class ClarificationQuestion(TimeStampedModel):
    """A supplier asks privately; the buyer answers and publishes to everyone, anonymised."""

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for an answer"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Not published"

    TRANSITIONS = TransitionTable(
        prefix="clarification",
        transitions=[
            Transition(
                "publish",
                source={Status.ASKED},
                target=Status.PUBLISHED,
                done="Answer published to everyone",
            ),
            Transition(
                "decline",
                source={Status.ASKED},
                target=Status.DECLINED,
                done="Question answered privately and not published",
            ),
        ],
        styles={
            Status.ASKED: StatusStyle("orange", next_step="Answer this question"),
            Status.PUBLISHED: StatusStyle("green"),
            Status.DECLINED: StatusStyle("grey"),
        },
    )

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="clarifications"
    )
    # Never shown to anyone but the asker and the buyer; the published Q&A is anonymised.
    asked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplier = models.ForeignKey(
        SupplierProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.TextField()
    answer = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASKED)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["challenge", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | (Q(published_at__isnull=False) & ~Q(answer="")),
                name="clarification_published_has_answer",
            )
        ]

    def __str__(self) -> str:
        return self.question[:60]


class ChallengeWatch(models.Model):
    """A supplier user follows a challenge: told about new answers and deadlines."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="watched_challenges")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="watch_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.challenge_id}"


class CompetitionInvitation(TimeStampedModel):
    """A buyer invites a supplier to compete. For phase N+1 this is the only way in."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="challenge_invitations"
    )
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "supplier"], name="competition_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.supplier_id} to {self.phase}"


class OpportunityAlert(models.Model):
    """One row per (challenge, supplier) alert sent, so no supplier is told twice."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="alerts")
    supplier = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "supplier"], name="alert_once_per_supplier"
            )
        ]

    def __str__(self) -> str:
        return f"Alert to {self.supplier_id} about {self.challenge_id}"


class AlertPreference(models.Model):
    """Whether a supplier user wants opportunity alerts. No row means yes (the default)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="alert_preference")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Alerts {'on' if self.enabled else 'off'} for {self.user_id}"
