"""Contract models, one module per part: the contract and its plan, then claims and payments."""

from .claims import (
    BuyerBillingAccount,
    Claim,
    ClaimEvidence,
    Payment,
    SupplierPayoutAccount,
    WebhookEvent,
)
from .contract import (
    ChangeRequest,
    Contract,
    ContractDocument,
    Milestone,
    OutcomeMetric,
    PhaseBudget,
    PortfolioDecision,
)

__all__ = [
    "BuyerBillingAccount",
    "ChangeRequest",
    "Claim",
    "ClaimEvidence",
    "Contract",
    "ContractDocument",
    "Milestone",
    "OutcomeMetric",
    "Payment",
    "PhaseBudget",
    "PortfolioDecision",
    "SupplierPayoutAccount",
    "WebhookEvent",
]
