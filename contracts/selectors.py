"""Reads for the contract pages: each function says up front what its page loads.

Every lookup a page makes for one object is scoped to the signed-in user (``*_for_user``): it
raises ``DoesNotExist`` for anyone outside the contract's supplier and buying organisation, so
the view answers 404 and a contract's existence is not given away. Selectors never import
services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from marketplace.accounts.models import Role
from marketplace.core.audit import audit_history
from suppliers.models import SupplierProfile

from .access import BUYER_ROLES, SUPPLIER_ROLES, can_view_contract, organisation_ids
from .models import (
    BuyerBillingAccount,
    ChangeRequest,
    Claim,
    ClaimEvidence,
    Contract,
    ContractDocument,
    Milestone,
    OutcomeMetric,
    Payment,
)
from .providers import uses_stripe

# Milestones still to be delivered (the ones a commissioner could still mark as not met).
OPEN_MILESTONE_STATUSES = Milestone.TRANSITIONS.allowed_from("mark_not_met")
# Claims a commissioner can decide now.
REVIEWABLE_CLAIM_STATUSES = Claim.TRANSITIONS.allowed_from("approve")
# Payments not yet paid or failed: money the supplier can expect.
EXPECTED_PAYMENT_STATUSES = Payment.TRANSITIONS.allowed_from("pay")


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related("challenge", "phase", "buyer", "supplier")


def _visible_to(user) -> Q:
    """Contracts of the user's supplier organisations or buying organisations."""
    supplier_orgs = organisation_ids(user, SUPPLIER_ROLES)
    buyer_orgs = organisation_ids(user, BUYER_ROLES)
    return Q(supplier__organisation_id__in=supplier_orgs) | Q(buyer_id__in=buyer_orgs)


def has_contract_role(user) -> bool:
    """Whether ``user`` holds a role that can see contracts (for the navigation link)."""
    if not getattr(user, "is_authenticated", False):
        return False
    from marketplace.accounts.selectors import user_roles

    return bool(user_roles(user=user) & {*SUPPLIER_ROLES, *BUYER_ROLES})


def is_supplier_user(user) -> bool:
    """Whether ``user`` works for a supplier (the list then names buyers, not suppliers)."""
    return bool(organisation_ids(user, SUPPLIER_ROLES))


def contract_list_for_user(user) -> QuerySet[Contract]:
    """``/contracts/``: the user's contracts with the next open milestone's due date."""
    if not getattr(user, "is_authenticated", False):
        return Contract.objects.none()
    return (
        _contracts()
        .filter(_visible_to(user))
        .annotate(
            next_due_on=Min(
                "milestones__due_on", filter=Q(milestones__status__in=OPEN_MILESTONE_STATUSES)
            )
        )
        .order_by("-created_at", "-pk")
    )


def contract_for_user(user, reference: str) -> Contract:
    """The contract if ``user`` may see it; raises ``Contract.DoesNotExist`` otherwise."""
    contract = _contracts().get(reference=reference)
    if not can_view_contract(user, contract):
        raise Contract.DoesNotExist
    return contract


@dataclass
class ContractPage:
    """Everything the contract page shows, loaded in a fixed number of queries."""

    contract: Contract
    milestones: list[Milestone]
    metrics: list[OutcomeMetric]
    claims: list[Claim]
    payments: list[Payment]
    changes: list[ChangeRequest]
    documents: list[ContractDocument]
    received_pence: int = 0
    expected_pence: int = 0
    latest_claim: dict = field(default_factory=dict)


def contract_page(contract: Contract) -> ContractPage:
    claims = list(
        contract.claims.select_related("milestone", "metric").order_by("-submitted_at", "-pk")
    )
    latest_claim: dict = {}
    for claim in claims:  # newest first, so the first seen per target is the latest
        latest_claim.setdefault((claim.kind, claim.milestone_id or claim.metric_id), claim)
    payments = list(contract.payments.select_related("claim").order_by("-approved_at", "-pk"))
    paid = Payment.TRANSITIONS["pay"].target
    page = ContractPage(
        contract=contract,
        milestones=list(contract.milestones.all()),
        metrics=list(contract.outcome_metrics.all()),
        claims=claims,
        payments=payments,
        changes=list(contract.change_requests.select_related("proposed_by")),
        documents=list(contract.documents.all()),
        received_pence=sum(p.amount_pence for p in payments if p.status == paid),
        expected_pence=sum(
            p.amount_pence for p in payments if p.status in EXPECTED_PAYMENT_STATUSES
        ),
        latest_claim=latest_claim,
    )
    for milestone in page.milestones:
        milestone.latest_claim = latest_claim.get((Claim.Kind.MILESTONE, milestone.pk))
    for metric in page.metrics:
        metric.paid_pence = sum(
            p.amount_pence for p in payments if p.status == paid and p.claim.metric_id == metric.pk
        )
    return page


def milestone_for_contract(contract: Contract, pk: int) -> Milestone:
    return contract.milestones.get(pk=pk)


def metric_for_contract(contract: Contract, pk: int) -> OutcomeMetric:
    return contract.outcome_metrics.get(pk=pk)


def document_for_contract(contract: Contract, pk: int) -> ContractDocument:
    return contract.documents.get(pk=pk)


def latest_contract_document(contract: Contract) -> ContractDocument | None:
    return contract.documents.filter(kind=ContractDocument.Kind.CONTRACT).first()


def claim_for_user(user, reference: str) -> Claim:
    """The claim if ``user`` may see its contract; raises ``Claim.DoesNotExist`` otherwise."""
    claim = Claim.objects.select_related(
        "contract__challenge",
        "contract__phase",
        "contract__buyer",
        "contract__supplier",
        "milestone",
        "metric",
        "submitted_by",
        "reviewed_by",
    ).get(reference=reference)
    if not can_view_contract(user, claim.contract):
        raise Claim.DoesNotExist
    return claim


def claim_evidence(claim: Claim) -> list[ClaimEvidence]:
    return list(claim.evidence.all())


def evidence_for_claim(claim: Claim, pk: int) -> ClaimEvidence:
    return claim.evidence.get(pk=pk)


def claim_payment(claim: Claim) -> Payment | None:
    return Payment.objects.filter(claim=claim).first()


def claim_history(claim: Claim):
    """The claim's audit trail, oldest first (submitted, queried, answered, decided)."""
    return list(reversed(list(audit_history(claim, limit=50))))


def change_request_for_user(user, pk: int) -> ChangeRequest:
    change = ChangeRequest.objects.select_related(
        "contract__challenge",
        "contract__phase",
        "contract__buyer",
        "contract__supplier",
        "proposed_by",
        "decided_by",
    ).get(pk=pk)
    if not can_view_contract(user, change.contract):
        raise ChangeRequest.DoesNotExist
    return change


def reallocation_rows(change: ChangeRequest) -> list[dict]:
    """A budget reallocation as rows: milestone, its value now and the proposed value."""
    by_id = {m.pk: m for m in change.contract.milestones.all()}
    rows = []
    for item in change.reallocation or []:
        milestone = by_id.get(item.get("milestone"))
        if milestone is not None:
            rows.append(
                {"milestone": milestone, "new_value_pence": int(item.get("value_pence", 0))}
            )
    return rows


# --- Dashboards ----------------------------------------------------------------------------------


def supplier_contracts_summary(user, *, limit: int = 10) -> dict | None:
    """ "Your contracts" for supplier users: what is due, claim status, payments received and
    expected. ``None`` when the user works for no supplier with contracts."""
    supplier_orgs = organisation_ids(user, SUPPLIER_ROLES)
    if not supplier_orgs:
        return None
    contracts = list(
        contract_list_for_user(user).filter(supplier__organisation_id__in=supplier_orgs)[:limit]
    )
    if not contracts:
        return None
    ids = [c.pk for c in contracts]
    paid = Payment.TRANSITIONS["pay"].target
    totals = Payment.objects.filter(contract_id__in=ids).aggregate(
        received=Sum("amount_pence", filter=Q(status=paid)),
        expected=Sum("amount_pence", filter=Q(status__in=EXPECTED_PAYMENT_STATUSES)),
    )
    due = list(
        Milestone.objects.filter(contract_id__in=ids, status__in=OPEN_MILESTONE_STATUSES)
        .select_related("contract")
        .order_by("due_on", "pk")[:5]
    )
    claims = list(
        Claim.objects.filter(contract_id__in=ids)
        .select_related("contract", "milestone", "metric")
        .order_by("-submitted_at", "-pk")[:5]
    )
    return {
        "contracts": contracts,
        "due_milestones": due,
        "recent_claims": claims,
        "received_pence": totals["received"] or 0,
        "expected_pence": totals["expected"] or 0,
        "today": timezone.localdate(),
        "payouts": payment_setup(user)["payouts"],
    }


def payment_setup(user) -> dict:
    """What the user may set up for payments, for the links to those pages: ``payouts`` for an
    admin of a supplier, ``billing`` for a commissioner, each ``{"needed": bool}`` (some
    organisation of theirs has not finished) or ``None`` when the page is not theirs. Both are
    ``None`` unless payments go through Stripe (the ledger needs neither)."""
    out = {"payouts": None, "billing": None}
    if not uses_stripe():
        return out
    if orgs := organisation_ids(user, (Role.SUPPLIER_ADMIN,)):
        counts = SupplierProfile.objects.filter(organisation_id__in=orgs).aggregate(
            suppliers=Count("pk"),
            ready=Count("pk", filter=Q(payout_account__onboarding_complete=True)),
        )
        if counts["suppliers"]:
            out["payouts"] = {"needed": counts["ready"] < counts["suppliers"]}
    if buyers := organisation_ids(user, (Role.COMMISSIONER,)):
        accounts = BuyerBillingAccount.objects.filter(organisation_id__in=buyers)
        ready = sum(account.ready for account in accounts)
        out["billing"] = {"needed": ready < len(buyers)}
    return out


def claims_waiting_for_review(user) -> QuerySet[Claim]:
    """Claims a commissioner of the contract's buying organisation can decide, oldest first."""
    orgs = organisation_ids(user, (Role.COMMISSIONER,))
    return (
        Claim.objects.filter(contract__buyer_id__in=orgs, status__in=REVIEWABLE_CLAIM_STATUSES)
        .select_related("contract__supplier", "milestone", "metric")
        .order_by("submitted_at", "pk")
    )


def commissioner_review_summary(user, *, limit: int = 10) -> dict | None:
    if not organisation_ids(user, (Role.COMMISSIONER,)):
        return None
    waiting = claims_waiting_for_review(user)
    claims = list(waiting[:limit])
    now = timezone.now()
    for claim in claims:
        claim.days_waiting = max((now - claim.submitted_at).days, 0)
    counts = waiting.aggregate(total=Count("pk"))
    return {
        "claims": claims,
        "total": counts["total"],
        "today": timezone.localdate(),
        "billing": payment_setup(user)["billing"],
    }


def days_until(day: datetime.date | None, *, today: datetime.date | None = None) -> int | None:
    if day is None:
        return None
    return (day - (today or timezone.localdate())).days
