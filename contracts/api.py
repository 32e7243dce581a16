"""Public JSON API for contracts: /api/v1/contracts and /api/v1/contracts/{id}.

- Only contracts the supplier has accepted (active, completed or ended early) appear; a draft's
  id answers 404 like an unknown one.
- Public fields only: bank details, evidence files, review notes, claim queries and who
  decided what never appear.
- Pagination as the challenges and suppliers APIs: ``page`` (from 1) and ``page_size`` (1 to
  100, default 20); out of range is a 400, a page after the last a 404, both
  ``{"detail": "..."}``. A parameter the endpoint does not have is a 400.
- A page costs the same number of queries however many contracts, milestones, metrics and
  payments it holds (everything is prefetched per page).
"""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from marketplace.core.api_paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PageRequestError,
    page_of,
    read_page_request,
)

from . import selectors_portfolio as selectors
from .models import Contract

router = Router(tags=["contracts"])

STATUSES = tuple(str(s) for s in selectors.PUBLIC_STATUSES)
ALLOWED_PARAMS = frozenset({"page", "page_size", "status"})
# Larger numbers cannot be an id (and would overflow the database's integer).
MAX_ID = 2**63 - 1


class ChallengeRef(Schema):
    id: int
    title: str


class PhaseRef(Schema):
    number: int
    name: str


class SupplierRef(Schema):
    id: int
    name: str
    sme: bool = Field(description="True for micro, small and medium businesses")


class BuyerRef(Schema):
    id: int
    name: str


class MilestoneOut(Schema):
    title: str
    due_on: datetime.date
    value_pence: int
    status: str = Field(description="scheduled, submitted, met, partially_met or not_met")


class OutcomeMetricOut(Schema):
    name: str
    unit: str
    tariff_pence: int = Field(description="Paid per verified outcome")
    target: int
    cap_pence: int = Field(description="The most that can be paid for this outcome")
    verified_units: int = Field(description="Outcomes verified in approved claims")
    paid_pence: int = Field(description="Money paid for this outcome so far")


class PaymentOut(Schema):
    amount_pence: int
    status: str = Field(description="pending, submitted, paid or failed")
    paid_at: datetime.datetime | None


class ContractOut(Schema):
    id: int
    challenge: ChallengeRef
    phase: PhaseRef
    supplier: SupplierRef
    buyer: BuyerRef
    value_pence: int
    status: str = Field(description="active, completed or terminated")
    starts_on: datetime.date
    ends_on: datetime.date
    rag: str = Field(description="green (on track), amber (at risk) or red (off track)")
    milestones: list[MilestoneOut]
    outcome_metrics: list[OutcomeMetricOut]
    payments: list[PaymentOut]


class ContractPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ContractOut]


class Error(Schema):
    detail: str


def _contract_out(contract: Contract) -> dict:
    return {
        "id": contract.pk,
        "challenge": {"id": contract.challenge_id, "title": contract.challenge.title},
        "phase": {"number": contract.phase.number, "name": contract.phase.name},
        "supplier": {
            "id": contract.supplier_id,
            "name": contract.supplier.display_name,
            "sme": contract.supplier.is_sme is True,
        },
        "buyer": {"id": contract.buyer_id, "name": contract.buyer.name},
        "value_pence": contract.value_pence,
        "status": contract.status,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "rag": contract.rag,
        "milestones": [
            {
                "title": m.title,
                "due_on": m.due_on,
                "value_pence": m.value_pence,
                "status": m.status,
            }
            for m in contract.milestones.all()
        ],
        "outcome_metrics": [
            {
                "name": m.name,
                "unit": m.unit,
                "tariff_pence": m.tariff_pence,
                "target": m.target,
                "cap_pence": m.cap_pence,
                "verified_units": m.verified_units,
                "paid_pence": m.paid_pence,
            }
            for m in contract.outcome_metrics.all()
        ],
        "payments": [
            {"amount_pence": p.amount_pence, "status": p.status, "paid_at": p.paid_at}
            for p in contract.payments.all()
        ],
    }


@router.get(
    "",
    response={200: ContractPage, 400: Error, 404: Error},
    summary="List contracts",
    description=(
        "Contracts suppliers have accepted, most recently accepted first. `status` filters to "
        f"one of {', '.join(STATUSES)}. `page_size` must be 1 to {MAX_PAGE_SIZE} (default "
        f"{DEFAULT_PAGE_SIZE}) and `page` at least 1, otherwise 400; a page after the last is "
        "404. Unknown parameters are a 400."
    ),
)
def list_contracts(request: HttpRequest):
    try:
        page, page_size = read_page_request(request, allowed=ALLOWED_PARAMS)
        contracts = selectors.contract_list_public()
        status = request.GET.get("status", "")
        if status:
            if status not in STATUSES:
                return Status(400, {"detail": f"status must be one of {', '.join(STATUSES)}"})
            contracts = contracts.filter(status=status)
        window = page_of(count=contracts.count(), page=page, page_size=page_size)
    except PageRequestError as exc:
        return Status(exc.status, {"detail": exc.detail})
    results = [_contract_out(c) for c in contracts[window.start : window.stop]]
    return Status(200, window.body(request, results))


@router.get(
    "/{int:contract_id}",
    response={200: ContractOut, 404: Error},
    summary="One contract, with its milestones, outcome measures and payments",
)
def get_contract(request: HttpRequest, contract_id: int):
    try:
        if contract_id > MAX_ID:
            raise Contract.DoesNotExist
        contract = selectors.contract_get_public(pk=contract_id)
    except Contract.DoesNotExist:
        return Status(404, {"detail": f"There is no public contract with id {contract_id}"})
    return Status(200, _contract_out(contract))
