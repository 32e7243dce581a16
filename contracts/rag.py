"""Red, amber or green for a contract, from its milestones' due dates and states.

A pure function of the milestones and today's date, so lists, the API and the daily beat task
all agree, and the rule can be tested without a database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

# How far past its due date a milestone may slip before the contract is off track, and how soon
# a milestone still waiting for evidence makes the contract at risk.
RED_AFTER_DAYS = 14
AMBER_WITHIN_DAYS = 14

GREEN, AMBER, RED = "green", "amber", "red"

# Milestone states, spelt as ``Milestone.Status`` values (kept plain so this module needs no
# Django setup).
SCHEDULED = "scheduled"
NOT_MET = "not_met"


def is_overdue(milestone, *, today: datetime.date) -> bool:
    """Past its due date with no evidence sent. A milestone whose evidence is in (submitted) is
    waiting for the commissioner, not for the supplier, so it is not overdue."""
    return milestone.status == SCHEDULED and milestone.due_on < today


def rag_for(milestones: Iterable, *, today: datetime.date) -> str:
    """``"red"``, ``"amber"`` or ``"green"``.

    - Red (off track): a milestone was marked not met, or a milestone is overdue by more than
      14 days. Either means the plan has already failed somewhere and needs a decision.
    - Amber (at risk): a milestone is overdue (by 14 days or fewer), or one is due within the
      next 14 days and its evidence has not been sent yet. Someone should check in.
    - Green (on track): everything else, including a contract with no milestones.

    "Overdue" is a scheduled milestone past its due date (see ``is_overdue``).
    """
    rag = GREEN
    for milestone in milestones:
        if milestone.status == NOT_MET:
            return RED
        if milestone.status != SCHEDULED:
            continue
        days_late = (today - milestone.due_on).days
        if days_late > RED_AFTER_DAYS:
            return RED
        if days_late > 0 or -days_late <= AMBER_WITHIN_DAYS:
            rag = AMBER
    return rag
