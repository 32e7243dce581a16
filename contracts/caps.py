"""What a claim may be paid: the sum asked for, capped by every limit it counts against.

A claim is paid from four pots at once. Whatever is approved is added to each pot's running
total (``committed_pence``), and none may go over:

- the milestone's value (milestone claims) or the metric's cap (outcome claims),
- the contract's value,
- the phase envelope (``PhaseBudget``), shared by every contract in the phase.

``allowance_for`` is a plain read with no lock: pages use it to show what can be approved. The
review service calls ``allowance_from`` again on the rows it has locked, so the figure it acts on
cannot be stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.core.money import format_gbp

from .models import Claim, Contract, PhaseBudget

MILESTONE = "milestone"
METRIC_CAP = "metric cap"
CONTRACT_VALUE = "contract value"
PHASE_ENVELOPE = "phase envelope"


@dataclass(frozen=True)
class Allowance:
    requested_pence: int
    payable_pence: int
    # The limit that cut the payable amount below the request ("" when nothing did).
    limited_by: str = ""
    # What is left under each limit, in the order they are checked.
    remaining: dict[str, int] = field(default_factory=dict)

    @property
    def capped(self) -> bool:
        return self.payable_pence < self.requested_pence

    @property
    def binding(self) -> tuple[str, int]:
        """The tightest limit and what is left under it."""
        name = min(self.remaining, key=lambda key: self.remaining[key])
        return name, self.remaining[name]

    def refusal(self, asked_pence: int) -> str:
        """The message for an approval of ``asked_pence`` that is over what is left."""
        name, left = self.binding
        if left <= 0:
            return f"Nothing more can be approved: the {name} has no money left"
        return (
            f"You can approve at most {format_gbp(left, show_pence=True)}: "
            f"the {name} has {format_gbp(left, show_pence=True)} left"
        )


def remaining_under(*, claim: Claim, target, contract: Contract, budget: PhaseBudget | None):
    """What is left under each limit for ``claim``, tightest test first (pure arithmetic)."""
    remaining: dict[str, int] = {}
    if claim.kind == Claim.Kind.MILESTONE:
        remaining[MILESTONE] = max(target.value_pence - target.committed_pence, 0)
    else:
        remaining[METRIC_CAP] = max(target.cap_pence - target.committed_pence, 0)
    remaining[CONTRACT_VALUE] = max(contract.value_pence - contract.committed_pence, 0)
    if budget is not None:
        remaining[PHASE_ENVELOPE] = max(budget.envelope_pence - budget.committed_pence, 0)
    return remaining


def allowance_from(
    *, claim: Claim, target, contract: Contract, budget: PhaseBudget | None
) -> Allowance:
    """The allowance computed from rows the caller has already loaded (and maybe locked)."""
    remaining = remaining_under(claim=claim, target=target, contract=contract, budget=budget)
    requested = claim.requested_pence
    payable = min(requested, *remaining.values())
    limited_by = ""
    if payable < requested:
        # The first limit (in checking order) that holds the payable amount down.
        limited_by = next(name for name, left in remaining.items() if left == payable)
    return Allowance(
        requested_pence=requested, payable_pence=payable, limited_by=limited_by, remaining=remaining
    )


def allowance_for(claim: Claim) -> Allowance:
    """What ``claim`` could be paid now, read fresh from the database (no lock)."""
    contract = Contract.objects.get(pk=claim.contract_id)
    target_model = type(claim.target)
    target = target_model.objects.get(pk=claim.target.pk)
    budget = PhaseBudget.objects.filter(phase_id=contract.phase_id).first()
    return allowance_from(claim=claim, target=target, contract=contract, budget=budget)
