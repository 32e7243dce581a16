"""Public JSON API for feedback: /api/v1/suppliers/{id}/reviews and /api/v1/buyers/{id}/feedback.

- Reviews: published reviews of an approved supplier, newest first, each with its published
  reply (or null). The reviewer's organisation is given, never the person, and the confidential
  note never appears. Paginated like the other lists (``page``, ``page_size`` 1 to 100).
- Buyer feedback: ``{"responses": n, "aggregates": {...} or null}``; aggregates stay null until
  at least 5 suppliers have answered, so no single supplier can be identified.
"""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from marketplace.core.api_paging import (
    DEFAULT_PAGE_SIZE,
    PageRequestError,
    check_page_bounds,
    page_of,
)

from . import selectors

suppliers_router = Router(tags=["suppliers"])
buyers_router = Router(tags=["buyers"])

MISSING_PAGE = "Page {page} does not exist: choose 1 to {last}"


class Error(Schema):
    detail: str


class ReplyOut(Schema):
    text: str
    published_at: str


class Ratings(Schema):
    delivery: int
    quality: int
    value: int
    communication: int


class ReviewOut(Schema):
    id: int
    reviewer_organisation: str
    verified: bool
    stage: str
    milestone: str | None
    contract: str
    ratings: Ratings
    would_work_again: bool
    comment: str
    published_at: str
    reply: ReplyOut | None


class ReviewPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ReviewOut]


class Aggregates(Schema):
    clarity: float | None
    assessment_fairness: float | None
    assessment_speed: float | None
    feedback_quality: float | None
    payment_speed: float | None
    payment_days_measured: float | None


class BuyerFeedbackOut(Schema):
    responses: int
    aggregates: Aggregates | None


def _review_out(review) -> dict:
    reply = selectors.published_reply(review)
    return {
        "id": review.pk,
        "reviewer_organisation": review.reviewer_organisation.name,
        "verified": review.is_verified,
        "stage": review.stage,
        "milestone": review.milestone.title if review.milestone_id else None,
        "contract": review.contract.reference,
        "ratings": review.ratings,
        "would_work_again": review.would_work_again,
        "comment": review.comment,
        "published_at": review.published_at.isoformat(),
        "reply": (
            {"text": reply.text, "published_at": reply.published_at.isoformat()} if reply else None
        ),
    }


def _parse_id(value: str) -> int:
    """A positive database id, or 0 (matches nothing) for anything else: 404, never a 500."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return 0
    return int(value)


@suppliers_router.get(
    "/{id}/reviews",
    response={200: ReviewPage, 400: Error, 404: Error},
    summary="Published reviews of an approved supplier",
)
def supplier_reviews(
    request: HttpRequest, id: str, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
):
    try:
        check_page_bounds(page=page, page_size=page_size)
        supplier = selectors.public_supplier_by_id(_parse_id(id))
        if supplier is None:
            return Status(404, {"detail": f"There is no approved supplier with id {id}"})
        reviews = selectors.published_reviews(supplier.pk)
        window = page_of(
            count=reviews.count(), page=page, page_size=page_size, missing=MISSING_PAGE
        )
    except PageRequestError as exc:
        return Status(exc.status, {"detail": exc.detail})
    results = [_review_out(r) for r in reviews[window.start : window.stop]]
    return Status(200, window.body(request, results))


@buyers_router.get(
    "/{id}/feedback",
    response={200: BuyerFeedbackOut, 404: Error},
    summary="Suppliers' feedback on a buyer's process, in aggregate",
)
def buyer_feedback(request: HttpRequest, id: str):
    buyer = selectors.buyer_organisation_by_id(_parse_id(id))
    if buyer is None:
        return Status(404, {"detail": f"There is no buying organisation with id {id}"})
    return Status(200, selectors.buyer_feedback(buyer.pk))
