"""Applications to a phase, with answers, attachments and consortium partners."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from marketplace.accounts.models import User
from marketplace.core.models import TimeStampedModel
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable
from suppliers.models import SupplierProfile

from .challenge import AssessmentPeriod, Phase, Question


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        INELIGIBLE = "ineligible", "Not eligible"
        SHORTLISTED = "shortlisted", "Shortlisted"
        FUNDED = "funded", "Funded"
        RESERVE = "reserve", "Reserve"
        UNFUNDED = "unfunded", "Not funded"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="application",
        transitions=[
            Transition(
                "submit",
                source={S.DRAFT},
                target=S.SUBMITTED,
                done="Application submitted. We have emailed you a receipt.",
            ),
            Transition(
                "withdraw",
                source={S.DRAFT, S.SUBMITTED},
                target=S.WITHDRAWN,
                done="Application withdrawn",
            ),
            Transition(
                "mark_ineligible",
                source={S.SUBMITTED, S.SHORTLISTED},
                target=S.INELIGIBLE,
                event="ineligible",
                done="Application marked as not eligible",
            ),
            Transition(
                "shortlist",
                source={S.SUBMITTED},
                target=S.SHORTLISTED,
                event="shortlisted",
                done="Application shortlisted",
            ),
            Transition(
                "fund",
                source={S.SUBMITTED, S.SHORTLISTED, S.RESERVE},
                target=S.FUNDED,
                event="funded",
            ),
            Transition(
                "reserve",
                source={S.SUBMITTED, S.SHORTLISTED},
                target=S.RESERVE,
                event="reserved",
            ),
            Transition(
                "decline",
                source={S.SUBMITTED, S.SHORTLISTED, S.RESERVE},
                target=S.UNFUNDED,
                event="unfunded",
            ),
        ],
        styles={
            S.DRAFT: StatusStyle("grey", next_step="Finish your answers and submit"),
            S.SUBMITTED: StatusStyle("blue"),
            S.WITHDRAWN: StatusStyle("grey"),
            S.INELIGIBLE: StatusStyle("red"),
            S.SHORTLISTED: StatusStyle("turquoise"),
            S.FUNDED: StatusStyle("green"),
            S.RESERVE: StatusStyle("yellow"),
            S.UNFUNDED: StatusStyle("orange"),
        },
    )
    del S

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="applications")
    supplier = models.ForeignKey(
        SupplierProfile, on_delete=models.PROTECT, related_name="applications"
    )
    # Consortium bids name partner suppliers.
    partners = models.ManyToManyField(
        SupplierProfile, blank=True, related_name="partner_applications"
    )
    title = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    requested_pence = models.BigIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)]
    )
    eligibility_confirmed = models.BooleanField(default=False)
    declarations_confirmed = models.BooleanField(default=False)
    # Open calls: the assessment period this application falls in (set on submission).
    period = models.ForeignKey(
        AssessmentPeriod,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    receipt_pdf = models.FileField(upload_to="application-receipts/", blank=True)
    # Funding decision (set by the buyer after moderation).
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Weighted consensus total out of 1000 (10 points x 100% weight), set at moderation.
    consensus_total = models.PositiveIntegerField(null=True, blank=True)
    feedback_useful = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["phase", "-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "supplier"],
                condition=~Q(status="withdrawn"),
                name="application_one_live_per_supplier_per_phase",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["phase", "status"])]

    def __str__(self) -> str:
        return f"{self.supplier} – {self.phase}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} on application {self.application_id}"


class ApplicationAttachment(TimeStampedModel):
    """A supporting document (PDF, DOCX or ODT), checked by content and stored inert."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(max_length=150)
    file = models.FileField(upload_to="application-attachments/")
    original_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["application", "created_at"]


class DeadlineReminder(models.Model):
    """One row per (application, days before close) reminder sent: never sent twice."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "days_before"], name="reminder_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before}-day reminder for application {self.application_id}"
