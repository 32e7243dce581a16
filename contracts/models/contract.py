"""A contract made from a funding decision, its milestones, outcome metrics and change requests.

Status changes only through ``contracts.services``; each model's ``TRANSITIONS`` says which move
is allowed from where. Money is integer pence. The running totals (``committed_pence``) are kept
on the rows a payment is capped by, changed only under ``select_for_update`` by the claim review
service, and checked by the database so no approval can take them over their caps.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from challenges.models import Application, Challenge, Phase
from marketplace.accounts.models import Organisation, User
from marketplace.core.models import TimeStampedModel
from marketplace.core.money import MAX_PENCE
from marketplace.core.transitions import StatusStyle, Transition, TransitionTable
from suppliers.models import SupplierProfile


class PhaseBudget(models.Model):
    """The money committed against a phase's envelope, across all of its contracts.

    One row per phase, created with the phase's first contract. Approving a claim locks this row
    first (then the contract, then the metric or milestone), so concurrent approvals in one phase
    queue up and cannot together go over the envelope.
    """

    phase = models.OneToOneField(Phase, on_delete=models.PROTECT, related_name="budget")
    envelope_pence = models.BigIntegerField(validators=[MinValueValidator(0)])
    committed_pence = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_pence__gte=0) & Q(committed_pence__lte=F("envelope_pence")),
                name="phase_budget_within_envelope",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget for {self.phase}"

    @property
    def remaining_pence(self) -> int:
        return self.envelope_pence - self.committed_pence


class Contract(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Waiting for the supplier to accept"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Ended early"

    class Rag(models.TextChoices):
        GREEN = "green", "On track"
        AMBER = "amber", "At risk"
        RED = "red", "Off track"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="contract",
        transitions=[
            Transition(
                "accept",
                source={S.DRAFT},
                target=S.ACTIVE,
                event="accepted",
                who="supplier admin",
                done="Contract accepted. It is now active.",
            ),
            Transition(
                "complete",
                source={S.ACTIVE},
                target=S.COMPLETED,
                who="commissioner",
                done="Contract marked as completed",
            ),
            Transition(
                "terminate",
                source={S.DRAFT, S.ACTIVE},
                target=S.TERMINATED,
                who="commissioner",
                done="Contract ended early",
            ),
        ],
        styles={
            S.DRAFT: StatusStyle(
                "yellow", next_step="Read and accept the contract", label="To accept"
            ),
            S.ACTIVE: StatusStyle("green"),
            S.COMPLETED: StatusStyle("grey"),
            S.TERMINATED: StatusStyle("red"),
        },
    )
    del S

    # Public reference, for example "CON-2026-000042"; never changes.
    reference = models.CharField(max_length=20, unique=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="contract"
    )
    # Denormalised from the application for fast portfolio and API queries.
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="contracts")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="contracts")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    supplier = models.ForeignKey(
        SupplierProfile, on_delete=models.PROTECT, related_name="contracts"
    )
    # The buyer's contract owner: invited to review the supplier, told about claims.
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts_owned"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    value_pence = models.BigIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)]
    )
    # Sum of approved claims (paid or being paid); never above value_pence.
    committed_pence = models.BigIntegerField(default=0)
    starts_on = models.DateField()
    ends_on = models.DateField()
    ip_terms = models.TextField(blank=True)
    data_terms = models.TextField(blank=True)
    special_terms = models.TextField(blank=True)
    # Current version of the contract document; each approved change request adds one.
    version = models.PositiveSmallIntegerField(default=1)
    documents_generated_at = models.DateTimeField(null=True, blank=True)

    # The funding decision this contract comes from, and how long it took to become active.
    decided_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name the supplier typed to sign, as typed.
    accepted_name = models.CharField(max_length=150, blank=True)
    decision_to_active = models.DurationField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    # Red/amber/green from milestone dates and states (``contracts.rag``), refreshed by the
    # services that change milestones and daily by Celery beat, so lists can sort by it.
    rag = models.CharField(max_length=5, choices=Rag.choices, default=Rag.GREEN)
    rag_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["buyer", "status"]),
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["phase", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value_pence__gt=0), name="contract_value_positive"),
            models.CheckConstraint(
                condition=Q(committed_pence__gte=0) & Q(committed_pence__lte=F("value_pence")),
                name="contract_committed_within_value",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="terminated")
                | (Q(accepted_at__isnull=False) & ~Q(accepted_name="")),
                name="contract_active_was_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="contract_terminated_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def remaining_pence(self) -> int:
        return self.value_pence - self.committed_pence


class ContractDocument(models.Model):
    """A generated PDF: the contract (one per version) or the award letter."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", "Contract"
        AWARD_LETTER = "award_letter", "Award letter"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to="contracts/")
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "version"], name="contract_document_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} for {self.contract.reference}"


class Milestone(TimeStampedModel):
    """A deliverable paid at a fixed value once the commissioner agrees it was met.

    Status values are OCDS milestone statuses (``partiallyMet`` and ``notMet`` in OCDS spelling
    are mapped by the open data export).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SUBMITTED = "submitted", "Evidence submitted"
        MET = "met", "Met"
        PARTIALLY_MET = "partially_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="milestone",
        transitions=[
            Transition("submit", source={S.SCHEDULED}, target=S.SUBMITTED),
            Transition("meet", source={S.SUBMITTED}, target=S.MET),
            Transition("meet_part", source={S.SUBMITTED}, target=S.PARTIALLY_MET),
            # A rejected claim puts the milestone back, so the supplier can claim again.
            Transition("reopen", source={S.SUBMITTED}, target=S.SCHEDULED, event="reopened"),
            Transition(
                "mark_not_met",
                source={S.SCHEDULED, S.SUBMITTED},
                target=S.NOT_MET,
                who="commissioner",
                done="Milestone marked as not met",
            ),
        ],
        styles={
            S.SCHEDULED: StatusStyle("grey", next_step="Submit evidence when it is done"),
            S.SUBMITTED: StatusStyle("blue", next_step="Waiting for the commissioner"),
            S.MET: StatusStyle("green"),
            S.PARTIALLY_MET: StatusStyle("yellow"),
            S.NOT_MET: StatusStyle("red"),
        },
    )
    del S

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    evidence_required = models.TextField(
        help_text="What the supplier must show, for example a report or a demonstration."
    )
    due_on = models.DateField()
    value_pence = models.BigIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PENCE)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # Approved so far against this milestone (one claim is approved at most once).
    committed_pence = models.BigIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    # Set when the beat task has told the parties this milestone is overdue (once).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "order", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_pence__gte=0), name="milestone_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(committed_pence__gte=0) & Q(committed_pence__lte=F("value_pence")),
                name="milestone_committed_within_value",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining_pence(self) -> int:
        return self.value_pence - self.committed_pence


class OutcomeMetric(TimeStampedModel):
    """Payment by results: each verified unit of outcome is paid at the tariff, up to the cap."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        SIX_MONTHLY = "six_monthly", "Every 6 months"
        ANNUAL = "annual", "Yearly"
        END = "end", "At the end of the contract"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="outcome_metrics")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=150)
    definition = models.TextField(help_text="Exactly what counts as one outcome.")
    unit = models.CharField(max_length=60, help_text="For example “resident supported into work”.")
    tariff_pence = models.BigIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)]
    )
    target = models.PositiveIntegerField(help_text="Number of outcomes aimed for.")
    cap_pence = models.BigIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PENCE)],
        help_text="The most that can be paid for this outcome in total.",
    )
    validation_method = models.CharField(
        max_length=200, help_text="How outcomes are checked, for example “council case records”."
    )
    reporting_period = models.CharField(
        max_length=20, choices=Period.choices, default=Period.QUARTERLY
    )
    baseline = models.PositiveIntegerField(null=True, blank=True)
    baseline_note = models.CharField(max_length=200, blank=True)
    # Running totals of approved claims, kept under lock by the review service.
    verified_units = models.PositiveIntegerField(default=0)
    committed_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["contract", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(tariff_pence__gt=0), name="metric_tariff_positive"),
            models.CheckConstraint(condition=Q(cap_pence__gt=0), name="metric_cap_positive"),
            models.CheckConstraint(
                condition=Q(committed_pence__gte=0) & Q(committed_pence__lte=F("cap_pence")),
                name="metric_committed_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining_pence(self) -> int:
        return self.cap_pence - self.committed_pence


class ChangeRequest(TimeStampedModel):
    """A change to a live contract, proposed by the supplier and decided by the commissioner."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", "More time"
        SCOPE = "scope", "Change of scope"
        REALLOCATION = "reallocation", "Move money between milestones"
        TERMINATION = "termination", "End the contract early"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    S = Status
    TRANSITIONS = TransitionTable(
        prefix="change_request",
        transitions=[
            Transition(
                "approve",
                source={S.PROPOSED},
                target=S.APPROVED,
                who="commissioner",
                done="Change approved. The contract has a new version.",
            ),
            Transition(
                "refuse",
                source={S.PROPOSED},
                target=S.REFUSED,
                who="commissioner",
                done="Change refused. We have told the supplier why.",
            ),
            Transition(
                "withdraw",
                source={S.PROPOSED},
                target=S.WITHDRAWN,
                who="supplier admin",
                done="Change request withdrawn",
            ),
        ],
        styles={
            S.PROPOSED: StatusStyle("blue", next_step="Approve or refuse the change"),
            S.APPROVED: StatusStyle("green"),
            S.REFUSED: StatusStyle("red"),
            S.WITHDRAWN: StatusStyle("grey"),
        },
    )
    del S

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(help_text="Why the change is needed.")
    # Extension: the new end date.
    new_ends_on = models.DateField(null=True, blank=True)
    # Scope: the new description of the work.
    scope_text = models.TextField(blank=True)
    # Reallocation: [{"milestone": <id>, "value_pence": <new value>}, ...]; total unchanged.
    reallocation = models.JSONField(default=list, blank=True)
    proposed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    # The contract version this change produced, once approved.
    resulting_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="extension") | Q(new_ends_on__isnull=False),
                name="change_request_extension_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""),
                name="change_request_refused_has_reason",
            ),
            # One open request of each kind at a time keeps decisions simple to follow.
            models.UniqueConstraint(
                fields=["contract", "kind"],
                condition=Q(status="proposed"),
                name="change_request_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.contract.reference}"


class PortfolioDecision(models.Model):
    """A commissioner's recorded decision about a contract: scale up, extend or stop."""

    class Decision(models.TextChoices):
        SCALE_UP = "scale_up", "Scale up"
        EXTEND = "extend", "Extend"
        CONTINUE = "continue", "Continue as planned"
        STOP = "stop", "Stop"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="portfolio_decisions"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    notes = models.TextField()
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} – {self.contract.reference}"
