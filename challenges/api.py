"""Public JSON API for challenges: /api/v1/challenges and /api/v1/challenges/{id}.

- Pagination as the suppliers API: ``page`` (from 1) and ``page_size`` (1 to 100, default 20);
  out of range is a 400, a page after the last a 404, both ``{"detail": "..."}``.
- Filters are those of the list page (``status`` defaults to ``open``; ``any`` for every public
  status). A parameter that is not a filter is a 400, so a typo is not silently ignored.
- Drafts and challenges in review never appear: their ids answer 404 like unknown ones.
- Times are ISO 8601 with their UTC offset. Published questions never say who asked.
"""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from marketplace.core.api_paging import PageRequestError, page_of, read_page_request

from .forms.filters import FILTER_NAMES, ChallengeFilterSet
from .models import Challenge
from .selectors import challenges as selectors

router = Router(tags=["challenges"])

ALLOWED_PARAMS = frozenset(FILTER_NAMES) | {"page", "page_size"}


class BuyerOut(Schema):
    id: int
    name: str


class PhaseOut(Schema):
    number: int
    name: str
    budget_per_contract_pence: int
    max_contracts: int
    envelope_pence: int
    duration_weeks: int
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None = Field(description="Empty for open calls")


class QuestionOut(Schema):
    question: str
    answer: str
    published_at: datetime.datetime


class ChallengeOut(Schema):
    id: int
    slug: str
    title: str
    status: str
    mode: str = Field(description="competition or open_call")
    procedure: str
    buyer: BuyerOut
    budget_pence: int
    opens_at: datetime.datetime | None = Field(description="When the current phase opens")
    closes_at: datetime.datetime | None = Field(description="When the current phase closes")
    capabilities: list[str] = Field(description="Capability slugs")
    region: str | None = Field(description="ITL1 code; null when UK-wide")
    url: str


class ChallengeDetailOut(ChallengeOut):
    phases: list[PhaseOut]
    questions: list[QuestionOut] = Field(description="Published questions and answers")


class ChallengePage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ChallengeOut]


class Error(Schema):
    detail: str


def _challenge_out(request: HttpRequest, challenge: Challenge) -> dict:
    return {
        "id": challenge.pk,
        "slug": challenge.slug,
        "title": challenge.title,
        "status": challenge.status,
        "mode": challenge.mode,
        "procedure": challenge.procedure,
        "buyer": {"id": challenge.buyer_id, "name": challenge.buyer.name},
        "budget_pence": challenge.budget_pence,
        "opens_at": challenge.current_opens_at,
        "closes_at": challenge.current_closes_at,
        "capabilities": [c.slug for c in challenge.capabilities.all()],
        "region": challenge.region_id,
        "url": request.build_absolute_uri(reverse("challenges:detail", args=[challenge.slug])),
    }


@router.get(
    "",
    response={200: ChallengePage, 400: Error, 404: Error},
    summary="List public challenges",
    description=(
        "Public challenges, soonest closing first. Filters: status (default open; `any`), buyer "
        "(organisation slug), capability (slug), region (ITL1 code), budget_min, budget_max "
        "(pounds), closing_soon (true), procedure. Unknown parameters are a 400."
    ),
)
def list_challenges(request: HttpRequest):
    try:
        page, page_size = read_page_request(request, allowed=ALLOWED_PARAMS)
        data = request.GET.copy()
        if data.get("closing_soon") in ("true", "1"):
            data["closing_soon"] = "on"
        filterset = ChallengeFilterSet(data)
        if not filterset.form.is_valid():
            return Status(400, {"detail": filterset.error_text()})
        challenges = selectors.challenge_list_public(filters=filterset.to_filters())
        window = page_of(count=challenges.count(), page=page, page_size=page_size)
    except PageRequestError as exc:
        return Status(exc.status, {"detail": exc.detail})
    results = [_challenge_out(request, c) for c in challenges[window.start : window.stop]]
    return Status(200, window.body(request, results))


@router.get(
    "/{int:challenge_id}",
    response={200: ChallengeDetailOut, 404: Error},
    summary="One public challenge, with its phases and published questions",
)
def get_challenge(request: HttpRequest, challenge_id: int):
    try:
        challenge = selectors.challenge_get_public(pk=challenge_id)
    except Challenge.DoesNotExist:
        return Status(404, {"detail": f"There is no public challenge with id {challenge_id}"})
    out = _challenge_out(request, challenge)
    out["phases"] = [
        {
            "number": p.number,
            "name": p.name,
            "budget_per_contract_pence": p.budget_per_contract_pence,
            "max_contracts": p.max_contracts,
            "envelope_pence": p.envelope_pence,
            "duration_weeks": p.duration_weeks,
            "opens_at": p.opens_at,
            "closes_at": p.closes_at,
        }
        for p in challenge.phases.all()
    ]
    out["questions"] = [
        {"question": q.question, "answer": q.answer, "published_at": q.published_at}
        for q in selectors.published_questions(challenge)
    ]
    return Status(200, out)
