"""Every contract page refuses anyone outside the contract: signed out (sent to sign in),
another buyer organisation, its commissioner, and a competing supplier (404, so a contract's
existence is not given away). Within the contract, each action is refused to the roles that
may not take it, and a refused POST changes nothing."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from contracts.models import ChangeRequest, Claim, ClaimEvidence, Contract, ContractDocument
from tests.factories.contracts import ClaimFactory, contract_with_plan
from tests.factories.contracts_c3 import PDF, parties_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    contract = contract_with_plan()
    milestone = contract.milestones.order_by("order").first()
    metric = contract.outcome_metrics.first()
    claim = ClaimFactory(milestone=milestone)
    evidence = ClaimEvidence.objects.create(
        claim=claim,
        file=ContentFile(PDF, name="evidence.pdf"),
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    change = ChangeRequest.objects.create(
        contract=contract, kind=ChangeRequest.Kind.SCOPE, reason="More users", scope_text="Wider"
    )
    document = ContractDocument.objects.create(
        contract=contract, kind=ContractDocument.Kind.CONTRACT, file=ContentFile(PDF, name="c.pdf")
    )
    ref = contract.reference
    urls = {
        "detail": ("get", reverse("contracts:detail", args=[ref])),
        "accept": ("get", reverse("contracts:accept", args=[ref])),
        "complete": ("get", reverse("contracts:complete", args=[ref])),
        "terminate": ("get", reverse("contracts:terminate", args=[ref])),
        "milestone_claim": ("get", reverse("contracts:milestone_claim", args=[ref, milestone.pk])),
        "not_met": ("get", reverse("contracts:not_met", args=[ref, milestone.pk])),
        "outcome_claim": ("get", reverse("contracts:outcome_claim", args=[ref, metric.pk])),
        "change_new": ("get", reverse("contracts:change_new", args=[ref])),
        "document": ("get", reverse("contracts:document", args=[ref, document.pk])),
        "claim": ("get", reverse("contracts:claim", args=[claim.reference])),
        "claim_review": ("post", reverse("contracts:claim_review", args=[claim.reference])),
        "claim_respond": ("post", reverse("contracts:claim_respond", args=[claim.reference])),
        "evidence": ("get", reverse("contracts:evidence", args=[claim.reference, evidence.pk])),
        "change": ("get", reverse("contracts:change", args=[change.pk])),
        "change_decide": ("post", reverse("contracts:change_decide", args=[change.pk])),
        "change_withdraw": ("post", reverse("contracts:change_withdraw", args=[change.pk])),
        "terminate_post": ("post", reverse("contracts:terminate", args=[ref])),
    }
    return {
        "contract": contract,
        "claim": claim,
        "change": change,
        "people": parties_for(contract),
        "urls": urls,
    }


POST_DATA = {
    "decision": "approve",
    "answer": "Here it is",
    "reason": "Because",
}


def _request(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


def _nothing_changed(world):
    world["claim"].refresh_from_db()
    world["change"].refresh_from_db()
    world["contract"].refresh_from_db()
    assert world["claim"].status == Claim.Status.SUBMITTED
    assert world["change"].status == ChangeRequest.Status.PROPOSED
    assert world["contract"].status == Contract.Status.ACTIVE


def test_signed_out_people_are_sent_to_sign_in(client, world):
    for name, (method, url) in world["urls"].items():
        response = _request(client, method, url)
        assert response.status_code == 302, name
        assert reverse("account_login") in response.url, name
    _nothing_changed(world)


@pytest.mark.parametrize("who", ["other_buyer", "other_commissioner", "competitor"])
def test_outsiders_get_not_found_everywhere(client, world, who, mfa_login):
    mfa_login(client, getattr(world["people"], who))
    for name, (method, url) in world["urls"].items():
        assert _request(client, method, url).status_code == 404, f"{who} {name}"
    _nothing_changed(world)


SUPPLIER_ONLY = {
    "accept",
    "milestone_claim",
    "outcome_claim",
    "change_new",
    "claim_respond",
    "change_withdraw",
}
COMMISSIONER_ONLY = {
    "complete",
    "terminate",
    "terminate_post",
    "not_met",
    "claim_review",
    "change_decide",
}
EVERYONE_ON_THE_CONTRACT = {"detail", "document", "claim", "evidence", "change"}


@pytest.mark.parametrize(
    "who, refused",
    [
        ("buyer", SUPPLIER_ONLY | COMMISSIONER_ONLY),
        ("supplier_member", SUPPLIER_ONLY | COMMISSIONER_ONLY),
        ("supplier_admin", COMMISSIONER_ONLY),
        ("commissioner", SUPPLIER_ONLY),
    ],
)
def test_each_role_is_refused_the_actions_it_may_not_take(client, world, who, refused, mfa_login):
    mfa_login(client, getattr(world["people"], who))
    for name in refused:
        method, url = world["urls"][name]
        assert _request(client, method, url).status_code == 404, f"{who} {name}"
    for name in EVERYONE_ON_THE_CONTRACT:
        method, url = world["urls"][name]
        assert _request(client, method, url).status_code == 200, f"{who} {name}"
    _nothing_changed(world)


def test_documents_and_evidence_are_downloads_not_inline(client, world):
    client.force_login(world["people"].supplier_member)
    for name in ("document", "evidence"):
        response = client.get(world["urls"][name][1])
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
