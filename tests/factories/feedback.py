"""Factories for feedback: reviews of a met milestone, replies and process feedback.

``met_milestone()`` gives a milestone marked met on an active contract (the stage a buyer may
review). ``ReviewFactory`` builds a review of that stage waiting for moderation; traits
``published``. ``process_feedback_for(buyer, n)`` adds ``n`` responses from different suppliers.
"""

import factory
from django.utils import timezone

from challenges.models import Application
from contracts.models import Milestone
from feedback.models import ProcessFeedback, Review, ReviewReply
from feedback.models.reviews import Stage
from tests.factories.applications import ApplicationFactory
from tests.factories.challenges import open_challenge
from tests.factories.contracts import MilestoneFactory


def met_milestone(**kwargs) -> Milestone:
    return MilestoneFactory(status=Milestone.Status.MET, met_at=timezone.now(), **kwargs)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    milestone = factory.LazyFunction(met_milestone)
    stage = Stage.MILESTONE
    contract = factory.LazyAttribute(lambda o: o.milestone.contract)
    supplier = factory.LazyAttribute(lambda o: o.contract.supplier)
    reviewer_organisation = factory.LazyAttribute(lambda o: o.contract.buyer)
    delivery = 4
    quality = 4
    value = 4
    communication = 4
    would_work_again = True
    comment = "Delivered the pilot on time and explained the results clearly."
    confidential_note = ""
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        published = factory.Trait(
            status=Review.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )


class ReviewReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewReply

    review = factory.SubFactory(ReviewFactory, published=True)
    text = "Thank you: we enjoyed working with the team."


def process_feedback_for(challenge, n: int, **ratings) -> list[ProcessFeedback]:
    """``n`` responses on ``challenge``'s buyer, each from a different decided applicant."""
    out = []
    for _ in range(n):
        application = ApplicationFactory(
            phase=challenge.phases.get(number=1),
            submitted=True,
            status=Application.Status.UNFUNDED,
        )
        values = {
            "clarity": 4,
            "assessment_fairness": 4,
            "assessment_speed": 3,
            "feedback_quality": 5,
            "payment_speed": None,
            **ratings,
        }
        out.append(
            ProcessFeedback.objects.create(
                buyer=challenge.buyer, challenge=challenge, supplier=application.supplier, **values
            )
        )
    return out


def decided_challenge():
    return open_challenge()
