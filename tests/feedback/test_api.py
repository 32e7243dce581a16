"""GET /api/v1/suppliers/{id}/reviews and GET /api/v1/buyers/{id}/feedback."""

import pytest
from django.utils import timezone

from feedback.models import ReviewReply
from tests.factories.challenges import open_challenge
from tests.factories.feedback import ReviewFactory, ReviewReplyFactory, process_feedback_for
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


def test_published_reviews_with_published_replies(client):
    review = ReviewFactory(published=True, confidential_note="secret", delivery=5)
    ReviewReplyFactory(
        review=review, status=ReviewReply.Status.PUBLISHED, published_at=timezone.now()
    )
    ReviewFactory(contract=review.contract, milestone=None, stage="contract_end")  # waiting
    body = client.get(f"/api/v1/suppliers/{review.supplier_id}/reviews").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["reviewer_organisation"] == review.reviewer_organisation.name
    assert item["verified"] is True
    assert item["ratings"]["delivery"] == 5
    assert item["reply"]["text"] == ReviewReply.objects.get().text
    assert "confidential_note" not in item and "author" not in item


@pytest.mark.parametrize(
    "path,status",
    [
        ("/api/v1/suppliers/999999/reviews", 404),
        ("/api/v1/suppliers/99999999999999999999999/reviews", 404),
        ("/api/v1/suppliers/abc/reviews", 404),
        ("/api/v1/suppliers/{id}/reviews?page_size=0", 400),
        ("/api/v1/suppliers/{id}/reviews?page=0", 400),
        ("/api/v1/suppliers/{id}/reviews?page=2", 404),
        ("/api/v1/suppliers/{id}/reviews?page=abc", 400),
        ("/api/v1/buyers/999999/feedback", 404),
    ],
)
def test_bad_requests(client, path, status):
    supplier = SupplierProfileFactory(approved=True)
    assert client.get(path.format(id=supplier.pk)).status_code == status


def test_an_unapproved_supplier_has_no_reviews_endpoint(client):
    draft = SupplierProfileFactory()
    assert client.get(f"/api/v1/suppliers/{draft.pk}/reviews").status_code == 404


def test_buyer_feedback_is_null_until_five_responses(client):
    challenge = open_challenge()
    url = f"/api/v1/buyers/{challenge.buyer_id}/feedback"
    process_feedback_for(challenge, 4)
    assert client.get(url).json() == {"responses": 4, "aggregates": None}
    process_feedback_for(challenge, 1)
    body = client.get(url).json()
    assert body["responses"] == 5
    assert set(body["aggregates"]) == {
        "clarity",
        "assessment_fairness",
        "assessment_speed",
        "feedback_quality",
        "payment_speed",
        "payment_days_measured",
    }
    assert body["aggregates"]["clarity"] == 4.0


def test_the_openapi_document_lists_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/suppliers/{id}/reviews" in paths
    assert "/api/v1/buyers/{id}/feedback" in paths
