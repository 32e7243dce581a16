"""The challenges JSON API: list (paginated, filtered, unknown parameters refused) and detail."""

import datetime

import pytest
from django.utils import timezone

from challenges.models import Challenge
from suppliers.models import Capability, Region
from tests.factories.challenges import (
    ChallengeFactory,
    ClarificationQuestionFactory,
    open_challenge,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/challenges"


def test_list_is_paginated_like_the_suppliers_api(client):
    for _ in range(3):
        open_challenge()
    body = client.get(LIST, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"] and body["previous"] is None
    second = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page_size": 0}, 400),
        ({"page_size": 101}, 400),
        ({"page": 0}, 400),
        ({"page": "abc"}, 400),
        ({"page": 9}, 404),
        ({"colour": "blue"}, 400),
        ({"region": "XX"}, 400),
        ({"budget_min": "1e30"}, 400),
    ],
)
def test_bad_parameters(client, params, status):
    open_challenge()
    response = client.get(LIST, params)
    assert response.status_code == status
    assert response.json()["detail"]


def test_unknown_parameter_message_names_it(client):
    assert "colour" in client.get(LIST, {"colour": "blue"}).json()["detail"]


def test_drafts_and_in_review_never_appear(client):
    visible = open_challenge()
    draft = ChallengeFactory(with_phase=True)
    review = ChallengeFactory(in_review=True, with_phase=True)
    ids = [c["id"] for c in client.get(LIST, {"status": "any"}).json()["results"]]
    assert ids == [visible.pk]
    for hidden in (draft, review):
        assert client.get(f"{LIST}/{hidden.pk}").status_code == 404
    assert client.get(f"{LIST}/999999").status_code == 404


def test_filters_match_the_list_page(client):
    cap = Capability.objects.create(name="Falls", slug="api-falls")
    wanted = open_challenge(
        procedure=Challenge.Procedure.INNOVATION_PARTNERSHIP, budget_pence=20_000_000
    )
    wanted.capabilities.set([cap])
    open_challenge()
    body = client.get(
        LIST,
        {"capability": "api-falls", "procedure": "innovation_partnership", "budget_max": "300000"},
    ).json()
    assert [c["id"] for c in body["results"]] == [wanted.pk]


def test_detail_has_exactly_the_issue_fields(client):
    closes = datetime.datetime(2027, 7, 1, 11, 0, tzinfo=datetime.UTC)
    challenge = open_challenge(budget_pence=55_000_000, phase__closes_at=closes)
    challenge.uk_wide = False
    challenge.region = Region.objects.get(code="TLE")
    challenge.latitude, challenge.longitude = 53.8, -1.5
    challenge.save()
    cap = Capability.objects.create(name="Falls", slug="api-falls-2")
    challenge.capabilities.set([cap])
    ClarificationQuestionFactory(challenge=challenge, question="Who asked?", published=True)
    ClarificationQuestionFactory(challenge=challenge, question="Not yet answered")

    body = client.get(f"{LIST}/{challenge.pk}").json()
    assert set(body) == {
        "id",
        "slug",
        "title",
        "status",
        "mode",
        "procedure",
        "buyer",
        "budget_pence",
        "opens_at",
        "closes_at",
        "capabilities",
        "region",
        "url",
        "phases",
        "questions",
    }
    assert body["buyer"] == {"id": challenge.buyer_id, "name": challenge.buyer.name}
    assert body["mode"] == "competition" and body["status"] == "open"
    assert body["budget_pence"] == 55_000_000
    assert body["capabilities"] == ["api-falls-2"] and body["region"] == "TLE"
    assert body["url"].endswith(f"/challenges/{challenge.slug}/")
    assert datetime.datetime.fromisoformat(body["closes_at"]) == closes
    assert body["closes_at"].endswith("+00:00") or body["closes_at"].endswith("Z")
    [phase] = body["phases"]
    assert set(phase) == {
        "number",
        "name",
        "budget_per_contract_pence",
        "max_contracts",
        "envelope_pence",
        "duration_weeks",
        "opens_at",
        "closes_at",
    }
    assert phase["envelope_pence"] == phase["budget_per_contract_pence"] * phase["max_contracts"]
    assert [q["question"] for q in body["questions"]] == ["Who asked?"]
    assert set(body["questions"][0]) == {"question", "answer", "published_at"}


def test_open_call_has_no_closing_time(client):
    challenge = open_challenge(mode="open_call", assessment_period_days=30, phase__closes_at=None)
    body = client.get(f"{LIST}/{challenge.pk}").json()
    assert body["mode"] == "open_call" and body["closes_at"] is None


def test_status_defaults_to_open(client):
    open_challenge()
    ChallengeFactory(closed=True, with_phase=True, with_phase__closes_at=timezone.now())
    assert client.get(LIST).json()["count"] == 1
    assert client.get(LIST, {"status": "closed"}).json()["count"] == 1
