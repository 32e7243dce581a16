"""Claims for payment (milestone evidence or outcome counts), their evidence, and payments.

A claim is reviewed once: approving it (in full or in part) creates exactly one ``Payment``
(one-to-one, so the database itself refuses a second). The amount is capped by the service under
``select_for_update`` at what is left under the milestone or metric cap, the contract value and
the phase envelope; the running totals on those rows are checked by database constraints too.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from marketplace.accounts.models import Organisation, User
from marketplace.core.models import TimeStampedModel
from marketplace.core.money import MAX_PENCE
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable
from suppliers.models import SupplierProfile

from .contract import Contract, Milestone, OutcomeMetric

MAX_UNITS = 1_000_000


class Claim(TimeStampedModel):
    class Kind(models.TextChoices):
        MILESTONE = "milestone", "Milestone evidence"
        OUTCOME = "outcome", "Outcomes achieved"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for review"
        QUERIED = "queried", "Question from the commissioner"
        APPROVED = "approved", "Approved"
        PART_APPROVED = "part_approved", "Approved in part"
        REJECTED = "rejected", "Rejected"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="claim",
        transitions=[
            Transition(
                "approve",
                source={S.SUBMITTED},
                target=S.APPROVED,
                who="commissioner",
                done="Claim approved. The payment has been sent for processing.",
            ),
            Transition(
                "approve_part",
                source={S.SUBMITTED},
                target=S.PART_APPROVED,
                who="commissioner",
                done="Claim approved in part. The payment has been sent for processing.",
            ),
            Transition(
                "reject",
                source={S.SUBMITTED},
                target=S.REJECTED,
                who="commissioner",
                done="Claim rejected. We have told the supplier why.",
            ),
            Transition(
                "query",
                source={S.SUBMITTED},
                target=S.QUERIED,
                who="commissioner",
                done="Question sent to the supplier",
            ),
            Transition(
                "resubmit",
                source={S.QUERIED},
                target=S.SUBMITTED,
                event="resubmitted",
                who="supplier",
                done="Answer sent. The commissioner will review your claim again.",
            ),
        ],
        styles={
            S.SUBMITTED: StatusStyle("blue", next_step="Review the evidence and decide"),
            S.QUERIED: StatusStyle("yellow", next_step="Answer the commissioner's question"),
            S.APPROVED: StatusStyle("green"),
            S.PART_APPROVED: StatusStyle("turquoise"),
            S.REJECTED: StatusStyle("red"),
        },
    )
    del S

    reference = models.CharField(max_length=24, unique=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    metric = models.ForeignKey(
        OutcomeMetric, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # Outcome claims: the reporting period and how many outcomes were achieved in it.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    units_claimed = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_UNITS)]
    )
    # What the claim asks for: the milestone value, or units x tariff (set by the service).
    requested_pence = models.BigIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PENCE)]
    )
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Query and answer (the latest; the history is in the audit trail).
    query_text = models.TextField(blank=True)
    queried_at = models.DateTimeField(null=True, blank=True)
    response_text = models.TextField(blank=True)
    # The commissioner's decision. Approved figures are what the payment is for.
    approved_units = models.PositiveIntegerField(null=True, blank=True)
    approved_pence = models.BigIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["contract", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="milestone", milestone__isnull=False, metric__isnull=True)
                    | Q(
                        kind="outcome",
                        metric__isnull=False,
                        milestone__isnull=True,
                        units_claimed__isnull=False,
                        period_start__isnull=False,
                        period_end__isnull=False,
                    )
                ),
                name="claim_kind_matches_target",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=F("period_start")),
                name="claim_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(approved_pence__isnull=True)
                | (Q(approved_pence__gt=0) & Q(approved_pence__lte=F("requested_pence"))),
                name="claim_approved_within_requested",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "part_approved"])
                | Q(approved_pence__isnull=False, reviewed_at__isnull=False),
                name="claim_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "part_approved"]) | ~Q(decision_reason=""),
                name="claim_rejected_or_part_has_reason",
            ),
            # A milestone has at most one live claim: a second submission is refused, and a
            # rejected claim frees the milestone for a new one.
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(milestone__isnull=False) & ~Q(status="rejected"),
                name="claim_one_live_per_milestone",
            ),
            # The same outcomes cannot be claimed twice for the same period.
            models.UniqueConstraint(
                fields=["metric", "period_start", "period_end"],
                condition=Q(metric__isnull=False) & ~Q(status="rejected"),
                name="claim_one_live_per_metric_period",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def target(self):
        return self.milestone if self.kind == self.Kind.MILESTONE else self.metric


class ClaimEvidence(TimeStampedModel):
    """A file a supplier sent with a claim: checked, scanned and stored under a generated name."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="claim-evidence/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["claim", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Payment(TimeStampedModel):
    """Money released for one approved claim, executed after commit by the configured provider.

    ``idempotency_key`` is derived from our own id and sent with every provider call, so a retry
    can never create a second charge.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUBMITTED = "submitted", "Sent for payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    class Provider(models.TextChoices):
        LEDGER = "ledger", "Finance team (remittance file)"
        STRIPE = "stripe", "Stripe"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="payment",
        transitions=[
            Transition("submit", source={S.PENDING}, target=S.SUBMITTED),
            Transition("pay", source={S.PENDING, S.SUBMITTED}, target=S.PAID, event="paid"),
            Transition("fail", source={S.PENDING, S.SUBMITTED}, target=S.FAILED, event="failed"),
            # A failed payment is tried again by a person once the cause is fixed.
            Transition(
                "retry",
                source={S.FAILED},
                target=S.PENDING,
                event="retried",
                who="platform admin",
                done="Payment will be tried again",
            ),
        ],
        styles={
            S.PENDING: StatusStyle("grey"),
            S.SUBMITTED: StatusStyle("blue"),
            S.PAID: StatusStyle("green"),
            S.FAILED: StatusStyle("red", next_step="Check the failure and try again"),
        },
    )
    del S

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="payment")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    amount_pence = models.BigIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)]
    )
    currency = models.CharField(max_length=3, default="gbp")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    idempotency_key = models.CharField(max_length=64, unique=True)
    # Stripe: the PaymentIntent that charges the buyer and the transfer that pays the supplier.
    provider_payment_id = models.CharField(max_length=100, blank=True, db_index=True)
    provider_transfer_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    # Ledger: when the finance team's remittance export first included this payment.
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-approved_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} for {self.claim}"


class BuyerBillingAccount(TimeStampedModel):
    """How a buying organisation pays through Stripe: a Customer with a saved payment method
    (set up once with a SetupIntent, then charged off-session)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="billing_account"
    )
    stripe_customer_id = models.CharField(max_length=100, blank=True)
    setup_intent_id = models.CharField(max_length=100, blank=True)
    payment_method_id = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Billing for {self.organisation}"

    @property
    def ready(self) -> bool:
        return bool(self.stripe_customer_id and self.payment_method_id)


class SupplierPayoutAccount(TimeStampedModel):
    """Where a supplier is paid: a Stripe connected account, or a bank reference for the
    finance team's remittance file. Never published."""

    supplier = models.OneToOneField(
        SupplierProfile, on_delete=models.CASCADE, related_name="payout_account"
    )
    stripe_account_id = models.CharField(max_length=100, blank=True)
    onboarding_complete = models.BooleanField(default=False)
    # For the ledger: the supplier's bank reference as the finance team records it.
    bank_reference = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Payouts for {self.supplier}"


class WebhookEvent(models.Model):
    """A Stripe webhook event we have processed; the primary key makes replays no-ops."""

    event_id = models.CharField(max_length=100, primary_key=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
