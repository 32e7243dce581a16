"""Reads for the commissioner portfolio (/commissioning/), its CSV exports and the public API.

Every figure is computed by the database in the query that loads the rows (subqueries and
aggregates), never by a query per row, so a page costs the same number of queries whatever the
size of the portfolio. Scope is always a set of buying organisation ids the caller has already
worked out from the user's memberships (``commissioner_organisation_ids``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from challenges.models import Phase
from marketplace.accounts.models import Role

from .access import organisation_ids
from .models import Claim, Contract, Milestone, OutcomeMetric, Payment, PortfolioDecision

# Milestones due within this many days are shown as "due soon".
DUE_SOON_DAYS = 30
# Contracts the public (and the API) may see: accepted ones, never drafts.
PUBLIC_STATUSES = (
    Contract.Status.ACTIVE,
    Contract.Status.COMPLETED,
    Contract.Status.TERMINATED,
)
# Milestones still to be delivered (those a commissioner could still mark as not met).
OPEN_MILESTONE_STATUSES = Milestone.TRANSITIONS.allowed_from("mark_not_met")
# Claims a commissioner can decide now (queried ones wait for the supplier, not for us).
REVIEWABLE_CLAIM_STATUSES = Claim.TRANSITIONS.allowed_from("approve")
# Milestones still waiting for the supplier's evidence: past their date, these are overdue
# (as ``contracts.rag.is_overdue`` says; submitted ones wait for the commissioner instead).
AWAITING_EVIDENCE_STATUSES = Milestone.TRANSITIONS.allowed_from("submit")
# Money that has left, or is on its way to leaving, the buyer: approved claims' payments.
PAID = Payment.Status.PAID


def commissioner_organisation_ids(user) -> set[int]:
    """The buying organisations where ``user`` is a commissioner (empty: no portfolio)."""
    return organisation_ids(user, (Role.COMMISSIONER,))


def _counted(queryset: QuerySet) -> QuerySet:
    # Grouping by a constant gives one row with the count of the correlated rows.
    return (
        queryset.order_by().annotate(_g=Value(1)).values("_g").annotate(n=Count("pk")).values("n")
    )


def _paid_for_contract() -> Subquery:
    payments = Payment.objects.filter(contract=OuterRef("pk"), status=PAID)
    return Coalesce(
        Subquery(
            payments.order_by().values("contract").annotate(t=Sum("amount_pence")).values("t")[:1]
        ),
        Value(0),
    )


def _contract_rows(org_ids, *, today: datetime.date) -> QuerySet[Contract]:
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_milestones = Milestone.objects.filter(
        contract=OuterRef("pk"), status__in=OPEN_MILESTONE_STATUSES
    )
    latest_decision = PortfolioDecision.objects.filter(contract=OuterRef("pk")).order_by(
        "-decided_at", "-pk"
    )
    return (
        Contract.objects.filter(buyer_id__in=org_ids)
        .select_related("challenge", "phase", "supplier", "buyer")
        .annotate(
            milestones_overdue=Coalesce(
                Subquery(
                    _counted(
                        open_milestones.filter(
                            due_on__lt=today, status__in=AWAITING_EVIDENCE_STATUSES
                        )
                    )
                ),
                Value(0),
            ),
            milestones_due=Coalesce(
                Subquery(_counted(open_milestones.filter(due_on__gte=today, due_on__lte=soon))),
                Value(0),
            ),
            claims_waiting=Coalesce(
                Subquery(
                    _counted(
                        Claim.objects.filter(
                            contract=OuterRef("pk"), status__in=REVIEWABLE_CLAIM_STATUSES
                        )
                    )
                ),
                Value(0),
            ),
            paid_pence=_paid_for_contract(),
            latest_decision=Subquery(latest_decision.values("decision")[:1]),
            latest_decision_at=Subquery(latest_decision.values("decided_at")[:1]),
        )
    )


RAG_ORDER = Case(
    When(rag=Contract.Rag.RED, then=Value(0)),
    When(rag=Contract.Rag.AMBER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def portfolio_contracts(*, org_ids, today: datetime.date | None = None) -> QuerySet[Contract]:
    """The organisations' contracts with what a commissioner watches: RAG (red first), overdue
    and due-soon milestone counts, claims waiting for review, money paid and the latest
    portfolio decision. Drafts are included: they are waiting for the supplier to accept."""
    today = today or timezone.localdate()
    return _contract_rows(org_ids, today=today).order_by(
        RAG_ORDER, "-milestones_overdue", "ends_on", "pk"
    )


def portfolio_contract(*, org_ids, reference: str) -> Contract:
    """One of the organisations' contracts by reference (``Contract.DoesNotExist`` otherwise)."""
    return Contract.objects.select_related("challenge", "phase", "supplier", "buyer").get(
        buyer_id__in=org_ids, reference=reference
    )


def milestones_due(
    *, org_ids, today: datetime.date | None = None, limit: int = 50
) -> QuerySet[Milestone]:
    """Open milestones that are overdue or due within ``DUE_SOON_DAYS``, soonest first, each
    with ``overdue`` (bool)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return (
        Milestone.objects.filter(
            contract__buyer_id__in=org_ids,
            contract__status=Contract.Status.ACTIVE,
            status__in=OPEN_MILESTONE_STATUSES,
            due_on__lte=soon,
        )
        .select_related("contract", "contract__supplier")
        .annotate(
            overdue=Case(
                When(due_on__lt=today, status__in=AWAITING_EVIDENCE_STATUSES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("due_on", "pk")[:limit]
    )


def claims_awaiting_review(*, org_ids, limit: int = 50) -> QuerySet[Claim]:
    """Claims a commissioner can decide now, oldest first."""
    return (
        Claim.objects.filter(contract__buyer_id__in=org_ids, status__in=REVIEWABLE_CLAIM_STATUSES)
        .select_related("contract", "contract__supplier", "milestone", "metric")
        .order_by("submitted_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class PhaseSpend:
    challenge_title: str
    phase_number: int
    phase_name: str
    contracts: int
    budget_pence: int
    contracted_pence: int
    committed_pence: int
    paid_pence: int

    @property
    def label(self) -> str:
        return f"{self.challenge_title}, phase {self.phase_number} ({self.phase_name})"


def spend_by_phase(*, org_ids) -> list[PhaseSpend]:
    """Per challenge phase with contracts: the phase envelope (budget), the value of its
    accepted contracts, the money approved against claims (committed) and paid. One query."""
    live = Contract.objects.filter(
        phase=OuterRef("pk"), buyer_id__in=org_ids, status__in=PUBLIC_STATUSES
    )

    def contracts_sum(field: str):
        return Coalesce(
            Subquery(live.order_by().values("phase").annotate(t=Sum(field)).values("t")[:1]),
            Value(0),
        )

    paid = Payment.objects.filter(
        contract__phase=OuterRef("pk"), contract__buyer_id__in=org_ids, status=PAID
    )
    phases = (
        Phase.objects.filter(
            Exists(Contract.objects.filter(phase=OuterRef("pk"), buyer_id__in=org_ids))
        )
        .select_related("challenge")
        .annotate(
            n_contracts=Coalesce(Subquery(_counted(live)), Value(0)),
            contracted=contracts_sum("value_pence"),
            committed=contracts_sum("committed_pence"),
            paid=Coalesce(
                Subquery(
                    paid.order_by()
                    .annotate(_g=Value(1))
                    .values("_g")
                    .annotate(t=Sum("amount_pence"))
                    .values("t")[:1]
                ),
                Value(0),
            ),
        )
        .order_by("challenge__title", "number")
    )
    return [
        PhaseSpend(
            challenge_title=p.challenge.title,
            phase_number=p.number,
            phase_name=p.name,
            contracts=p.n_contracts,
            budget_pence=p.envelope_pence,
            contracted_pence=p.contracted,
            committed_pence=p.committed,
            paid_pence=p.paid,
        )
        for p in phases
    ]


def _paid_for_metric() -> Subquery:
    payments = Payment.objects.filter(claim__metric=OuterRef("pk"), status=PAID)
    return Coalesce(
        Subquery(
            payments.order_by()
            .annotate(_g=Value(1))
            .values("_g")
            .annotate(t=Sum("amount_pence"))
            .values("t")[:1]
        ),
        Value(0),
    )


def outcomes_by_metric(*, org_ids) -> QuerySet[OutcomeMetric]:
    """Outcome metrics of the organisations' accepted contracts with verified units (approved
    claims), target, cap, money committed and ``paid_pence``."""
    return (
        OutcomeMetric.objects.filter(
            contract__buyer_id__in=org_ids, contract__status__in=PUBLIC_STATUSES
        )
        .select_related("contract", "contract__supplier")
        .annotate(paid_pence=_paid_for_metric())
        .order_by("contract__reference", "order", "pk")
    )


@dataclass(frozen=True)
class Totals:
    contracts: int
    value_pence: int
    committed_pence: int
    paid_pence: int
    red: int
    amber: int


def portfolio_totals(*, spend: list[PhaseSpend], contracts) -> Totals:
    """Headline figures from rows already loaded (no query): money across the phases, and
    red and amber counts among the active contracts."""
    active = [c for c in contracts if c.status == Contract.Status.ACTIVE]
    return Totals(
        contracts=sum(s.contracts for s in spend),
        value_pence=sum(s.contracted_pence for s in spend),
        committed_pence=sum(s.committed_pence for s in spend),
        paid_pence=sum(s.paid_pence for s in spend),
        red=sum(1 for c in active if c.rag == Contract.Rag.RED),
        amber=sum(1 for c in active if c.rag == Contract.Rag.AMBER),
    )


def ledger_payments_for_remittance(*, org_ids) -> QuerySet[Payment]:
    """Payments the finance team pays from the remittance file: ledger payments sent for
    payment (not yet marked paid), oldest approval first, with what each CSV line needs."""
    return (
        Payment.objects.filter(
            contract__buyer_id__in=org_ids,
            provider=Payment.Provider.LEDGER,
            status=Payment.Status.SUBMITTED,
        )
        .select_related(
            "contract",
            "contract__supplier",
            "contract__supplier__payout_account",
            "claim",
            "claim__milestone",
            "claim__metric",
        )
        .order_by("approved_at", "pk")
    )


# --- Public API --------------------------------------------------------------------------------


def contract_list_public() -> QuerySet[Contract]:
    """Accepted contracts (never drafts) with everything the API shows, in a fixed number of
    queries: the contract with its parties, then milestones, metrics (with money paid against
    each) and payments, each prefetched once for the whole page."""
    return (
        Contract.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("challenge", "phase", "supplier", "buyer")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "due_on", "pk")),
            Prefetch(
                "outcome_metrics",
                queryset=OutcomeMetric.objects.annotate(paid_pence=_paid_for_metric()).order_by(
                    "order", "pk"
                ),
            ),
            Prefetch("payments", queryset=Payment.objects.order_by("approved_at", "pk")),
        )
        .order_by(F("accepted_at").desc(nulls_last=True), "-pk")
    )


def contract_get_public(*, pk: int) -> Contract:
    return contract_list_public().get(pk=pk)
