"""The Bayesian average, the API shape with nulls, and one query for a page of suppliers."""

import pytest

from feedback import selectors
from feedback.models import Review
from tests.factories.feedback import ReviewFactory, ReviewReplyFactory, met_milestone
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


def test_bayesian_average_pulls_few_reviews_towards_the_prior():
    assert selectors.bayesian(0, 0) is None
    # One 5: (3 x 3.5 + 5) / 4.
    assert selectors.bayesian(5, 1) == 3.88
    # One 1 cannot sink a supplier either: (10.5 + 1) / 4.
    assert selectors.bayesian(1, 1) == 2.88
    # Ten 5s come close to 5: (10.5 + 50) / 13.
    assert selectors.bayesian(50, 10) == 4.65
    # Many reviews: the prior stops mattering.
    assert selectors.bayesian(4 * 1000, 1000) == pytest.approx(4.0, abs=0.01)


def test_a_supplier_with_many_good_reviews_outranks_one_perfect_review():
    one_perfect = selectors.bayesian(5, 1)
    many_good = selectors.bayesian(4.5 * 6, 6)
    assert many_good > one_perfect


def test_rating_for_suppliers_shape_and_only_published_reviews_count():
    first = ReviewFactory(published=True, delivery=5, quality=3, value=4, communication=2)
    ReviewFactory(published=True, milestone=met_milestone(contract=first.contract), delivery=3)
    ReviewFactory(milestone=met_milestone(contract=first.contract), delivery=1)  # not published yet
    nobody = SupplierProfileFactory(approved=True)
    ratings = selectors.rating_for_suppliers([first.supplier_id, nobody.pk])
    rating = ratings[first.supplier_id]
    assert rating["count"] == 2
    # delivery: (10.5 + 5 + 3) / 5 = 3.7
    assert rating["dimensions"]["delivery"] == 3.7
    assert set(rating["dimensions"]) == {"delivery", "quality", "value", "communication"}
    assert ratings[nobody.pk] == {
        "count": 0,
        "average": None,
        "dimensions": dict.fromkeys(("delivery", "quality", "value", "communication")),
    }


def test_rating_for_a_page_of_suppliers_is_one_query(django_assert_num_queries):
    ids = [ReviewFactory(published=True).supplier_id for _ in range(3)]
    with django_assert_num_queries(1):
        selectors.rating_for_suppliers(ids)


def test_distribution_and_published_reply_only():
    review = ReviewFactory(published=True, delivery=5, quality=5, value=4, communication=4)
    ReviewReplyFactory(review=review)  # submitted, not yet published
    assert dict(selectors.rating_distribution(review.supplier_id))[5] == 1  # 4.5 rounds up
    shown = selectors.published_reviews(review.supplier_id).get()
    assert selectors.published_reply(shown) is None
    assert shown.status == Review.Status.PUBLISHED
