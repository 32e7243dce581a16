import io

import pytest

from contracts.models import Contract
from feedback import demo, selectors
from feedback.models import ProcessFeedback, Review, ReviewReply
from tests.factories.applications import ApplicationFactory
from tests.factories.challenges import open_challenge
from tests.factories.feedback import met_milestone
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


def test_demo_has_every_review_state_a_reply_and_buyers_either_side_of_the_threshold():
    contract = met_milestone().contract
    for _ in range(3):
        met_milestone(contract=contract)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)
    for _ in range(2):
        challenge = open_challenge()
        ApplicationFactory(phase=challenge.phases.get(number=1), submitted=True, status="unfunded")
    for _ in range(5):
        SupplierProfileFactory(approved=True)
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())  # idempotent
    assert set(Review.objects.values_list("status", flat=True)) == set(Review.Status)
    assert ReviewReply.objects.filter(status=ReviewReply.Status.PUBLISHED).count() == 1
    counts = sorted(
        selectors.buyer_feedback(buyer)["aggregates"] is not None
        for buyer in ProcessFeedback.objects.values_list("buyer_id", flat=True).distinct()
    )
    assert counts == [False, True]
