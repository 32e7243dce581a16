"""The contracts JSON API: the issue's public field names, only accepted contracts, no private
data, pagination like the other list APIs, and a query count that does not grow with a page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Claim, Contract, Payment, SupplierPayoutAccount
from tests.factories.contracts import (
    ClaimFactory,
    ContractFactory,
    MilestoneFactory,
    contract_with_plan,
)
from tests.factories.contracts_portfolio import decided_claim

pytestmark = pytest.mark.django_db


LIST = "/api/v1/contracts"

CONTRACT_FIELDS = {
    "id",
    "challenge",
    "phase",
    "supplier",
    "buyer",
    "value_pence",
    "status",
    "starts_on",
    "ends_on",
    "rag",
    "milestones",
    "outcome_metrics",
    "payments",
}


@pytest.fixture
def contract():
    contract = contract_with_plan()
    first = contract.milestones.order_by("order").first()
    decided_claim(first)
    decided_claim(contract.outcome_metrics.get(), units=10, payment_status=Payment.Status.PENDING)
    return contract


def test_detail_has_exactly_the_public_fields(client, contract):
    body = client.get(f"{LIST}/{contract.pk}").json()
    assert set(body) == CONTRACT_FIELDS
    assert body["challenge"] == {"id": contract.challenge_id, "title": contract.challenge.title}
    assert set(body["supplier"]) == {"id", "name", "sme"}
    assert body["supplier"]["name"] == contract.supplier.display_name
    assert body["buyer"] == {"id": contract.buyer_id, "name": contract.buyer.name}
    assert body["phase"] == {"number": contract.phase.number, "name": contract.phase.name}
    assert body["value_pence"] == 20_000_000 and body["status"] == "active"
    assert body["rag"] == "green"
    assert [set(m) for m in body["milestones"]] == [
        {"title", "due_on", "value_pence", "status"}
    ] * 2
    assert [m["status"] for m in body["milestones"]] == ["met", "scheduled"]
    (metric,) = body["outcome_metrics"]
    assert metric == {
        "name": "Residents supported into work",
        "unit": "resident supported into work",
        "tariff_pence": 120_000,
        "target": 150,
        "cap_pence": 15_000_000,
        "verified_units": 10,
        "paid_pence": 0,  # approved but not yet paid
    }
    assert sorted((p["amount_pence"], p["status"]) for p in body["payments"]) == [
        (1_200_000, "pending"),
        (2_000_000, "paid"),
    ]
    assert all(set(p) == {"amount_pence", "status", "paid_at"} for p in body["payments"])


def test_private_data_never_appears(client, contract):
    SupplierPayoutAccount.objects.create(
        supplier=contract.supplier,
        bank_reference="SORT-40-11-22-ACC-9999",
        stripe_account_id="acct_secret1",
    )
    second = contract.milestones.order_by("order").last()
    ClaimFactory(
        milestone=second,
        notes="Private evidence note",
        status=Claim.Status.QUERIED,
        query_text="Secret review question",
    )
    Claim.objects.filter(contract=contract, kind="outcome").update(
        decision_reason="Confidential reason"
    )
    for url in (LIST, f"{LIST}/{contract.pk}"):
        text = client.get(url).content.decode()
        for secret in (
            "SORT-40-11-22",
            "acct_secret1",
            "Private evidence",
            "Secret review",
            "Confidential reason",
            "test-payment-",  # idempotency keys
            "claim-evidence",
        ):
            assert secret not in text


def test_drafts_never_appear(client, contract):
    draft = ContractFactory()
    ids = [c["id"] for c in client.get(LIST).json()["results"]]
    assert contract.pk in ids and draft.pk not in ids
    response = client.get(f"{LIST}/{draft.pk}")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_completed_and_terminated_appear_and_filter_by_status(client, contract):
    ended = ContractFactory(
        status=Contract.Status.TERMINATED, termination_reason="Supplier went into administration"
    )
    body = client.get(LIST, {"status": "terminated"}).json()
    assert [c["id"] for c in body["results"]] == [ended.pk]
    assert client.get(LIST).json()["count"] == 2


def test_list_is_paginated_like_the_other_apis(client):
    for _ in range(3):
        ContractFactory(active=True)
    body = client.get(LIST, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"] and body["previous"] is None
    second = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert "page=1" in second["previous"]


def test_empty_list_still_has_page_one(client):
    body = client.get(LIST).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page_size": 0}, 400),
        ({"page_size": 101}, 400),
        ({"page": 0}, 400),
        ({"page": "abc"}, 400),
        ({"page": "1e3"}, 400),
        ({"page": 9}, 404),
        ({"colour": "blue"}, 400),
        ({"status": "draft"}, 400),
    ],
)
def test_bad_parameters(client, params, status):
    ContractFactory(active=True)
    response = client.get(LIST, params)
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.parametrize("contract_id", ["0", "999999", "99999999999999999999999"])
def test_unknown_ids_are_404(client, contract_id):
    assert client.get(f"{LIST}/{contract_id}").status_code == 404


def test_query_count_is_the_same_for_a_bigger_page(client, contract):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"page_size": 100}).status_code == 200
        return len(queries)

    small = count()
    for _ in range(4):
        more = contract_with_plan()
        decided_claim(more.milestones.first())
        decided_claim(more.outcome_metrics.get(), units=2)
        MilestoneFactory(contract=more)
    assert count() == small
    assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == 5


def test_openapi_documents_the_endpoints(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert "/api/v1/contracts" in schema["paths"]
    assert "/api/v1/contracts/{contract_id}" in schema["paths"]
