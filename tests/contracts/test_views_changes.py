"""Change requests through the pages: the supplier proposes (idempotent), a commissioner
approves or refuses with a reason, the supplier may withdraw."""

import datetime

import pytest
from django.urls import reverse

from contracts.models import ChangeRequest
from tests.factories.contracts import contract_with_plan
from tests.factories.contracts_c3 import parties_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_with_plan()


@pytest.fixture
def people(contract):
    return parties_for(contract)


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _token(client, url):
    return client.get(url).context["form"]["form_token"].value()


def test_supplier_asks_for_more_time_once_however_often_they_post(client, contract, people):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:change_new", args=[contract.reference])
    data = {
        "form_token": _token(client, url),
        "kind": "extension",
        "reason": "The council's data arrived late.",
        **_date("new_ends_on", contract.ends_on + datetime.timedelta(weeks=6)),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    change = ChangeRequest.objects.get(contract=contract)
    assert change.kind == ChangeRequest.Kind.EXTENSION
    assert change.new_ends_on == contract.ends_on + datetime.timedelta(weeks=6)
    page = client.get(first.url).content.decode()
    assert "Change request sent" in page
    assert "Withdraw this request" in page


def test_extension_needs_a_later_end_date(client, contract, people):
    client.force_login(people.supplier_admin)
    url = reverse("contracts:change_new", args=[contract.reference])
    response = client.post(url, {"kind": "extension", "reason": "Late data"})
    assert "Enter the new end date" in response.content.decode()
    response = client.post(
        url, {"kind": "extension", "reason": "Late data", **_date("new_ends_on", contract.ends_on)}
    )
    assert "The new end date must be after the current one" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_supplier_moves_money_between_milestones(client, contract, people):
    first, second = contract.milestones.order_by("order")
    client.force_login(people.supplier_admin)
    url = reverse("contracts:change_new", args=[contract.reference])
    response = client.post(
        url,
        {
            "kind": "reallocation",
            "reason": "Discovery was smaller than planned.",
            f"milestone_{first.pk}": "15000",
            f"milestone_{second.pk}": "35000",
        },
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert sorted((r["milestone"], r["value_pence"]) for r in change.reallocation) == [
        (first.pk, 1_500_000),
        (second.pk, 3_500_000),
    ]


def test_moving_money_must_keep_the_total(client, contract, people):
    first, second = contract.milestones.order_by("order")
    client.force_login(people.supplier_admin)
    response = client.post(
        reverse("contracts:change_new", args=[contract.reference]),
        {
            "kind": "reallocation",
            "reason": "More please",
            f"milestone_{first.pk}": "25000",
            f"milestone_{second.pk}": "30000",
        },
    )
    assert response.status_code == 200
    assert "They must add up to £50,000" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_no_kind_chosen_is_refused(client, contract, people):
    client.force_login(people.supplier_admin)
    response = client.post(reverse("contracts:change_new", args=[contract.reference]), {})
    body = response.content.decode()
    assert "Select what you want to change" in body
    assert "Say why the change is needed" in body


@pytest.fixture
def change(contract, people):
    return ChangeRequest.objects.create(
        contract=contract,
        kind=ChangeRequest.Kind.EXTENSION,
        reason="Late data",
        new_ends_on=contract.ends_on + datetime.timedelta(weeks=4),
        proposed_by=people.supplier_admin,
    )


def test_commissioner_approves_a_change(client, contract, change, people, mfa_login):
    mfa_login(client, people.commissioner)
    page = client.get(reverse("contracts:change", args=[change.pk])).content.decode()
    assert "Your decision" in page
    response = client.post(
        reverse("contracts:change_decide", args=[change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    contract.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert contract.ends_on == change.new_ends_on
    assert "Change approved" in client.get(response.url).content.decode()


def test_refusing_a_change_needs_a_reason(client, change, people, mfa_login):
    mfa_login(client, people.commissioner)
    url = reverse("contracts:change_decide", args=[change.pk])
    response = client.post(url, {"decision": "refuse"})
    assert "Say why you are refusing the change" in response.content.decode()
    response = client.post(url, {"decision": "refuse", "reason": "The budget is fixed."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.REFUSED
    assert change.decision_reason == "The budget is fixed."


def test_supplier_withdraws_a_change(client, change, people):
    client.force_login(people.supplier_admin)
    response = client.post(reverse("contracts:change_withdraw", args=[change.pk]))
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.WITHDRAWN
    page = client.get(response.url).content.decode()
    assert "Withdraw this request" not in page


def test_deciding_a_withdrawn_change_says_why_not(client, change, people, mfa_login):
    ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeRequest.Status.WITHDRAWN)
    mfa_login(client, people.commissioner)
    response = client.post(
        reverse("contracts:change_decide", args=[change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert "not waiting for a decision" in client.get(response.url).content.decode()
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.WITHDRAWN
