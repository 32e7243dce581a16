"""Red/amber/green from milestone dates and states (``contracts.rag.rag_for``), at the edges."""

import datetime
from types import SimpleNamespace

import pytest

from contracts.rag import is_overdue, rag_for
from contracts.services import contracts as svc
from tests.factories.contracts_lifecycle import contract_in, milestones

TODAY = datetime.date(2026, 6, 15)


def m(status: str, days_from_today: int):
    return SimpleNamespace(status=status, due_on=TODAY + datetime.timedelta(days=days_from_today))


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ([], "green"),
        ([m("scheduled", 15)], "green"),  # due in more than 14 days
        ([m("scheduled", 14)], "amber"),  # due within 14 days, no evidence yet
        ([m("scheduled", 0)], "amber"),  # due today
        ([m("submitted", 3)], "green"),  # evidence is in: waiting for the commissioner
        ([m("submitted", -30)], "green"),  # late evidence is still evidence
        ([m("scheduled", -1)], "amber"),  # overdue by a day
        ([m("scheduled", -14)], "amber"),  # overdue by exactly 14 days
        ([m("scheduled", -15)], "red"),  # overdue by more than 14 days
        ([m("met", -100), m("partially_met", -50)], "green"),
        ([m("not_met", 100)], "red"),  # any milestone not met
        ([m("scheduled", 60), m("not_met", 90)], "red"),
        ([m("met", -10), m("scheduled", -3), m("scheduled", 40)], "amber"),
    ],
)
def test_rag_for(plan, expected):
    assert rag_for(plan, today=TODAY) == expected


def test_overdue_means_scheduled_and_past_its_date():
    assert is_overdue(m("scheduled", -1), today=TODAY)
    assert not is_overdue(m("scheduled", 0), today=TODAY)
    assert not is_overdue(m("submitted", -20), today=TODAY)


@pytest.mark.django_db
def test_refresh_stores_the_rag_on_the_contract():
    contract = contract_in("active")
    first, second = milestones(contract)
    first.due_on = datetime.date.today() - datetime.timedelta(days=20)
    first.save()

    assert svc.contract_refresh_rag(contract=contract) == "red"

    contract.refresh_from_db()
    assert contract.rag == "red"
    assert contract.rag_checked_at is not None
