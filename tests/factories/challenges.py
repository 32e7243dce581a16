"""Factories for the challenge side of the challenges app.

``open_challenge(**kw)`` builds an open competition with one phase whose criteria weights sum
to 100 and one question, ready for applications.
"""

import datetime

import factory
from django.utils import timezone

from challenges.models import (
    AssessmentPeriod,
    Challenge,
    ChallengeWatch,
    ClarificationQuestion,
    CompetitionInvitation,
    Criterion,
    Phase,
    Question,
)
from marketplace.accounts.models import Organisation, Role
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.suppliers import SupplierProfileFactory


class BuyerOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Buyer Council {n}")
    kind = Organisation.Kind.BUYER
    buyer_type = Organisation.BuyerType.LOCAL_AUTHORITY


class BuyerFactory(MembershipFactory):
    """A buyer membership; use ``.user`` for the person."""

    organisation = factory.SubFactory(BuyerOrganisationFactory)
    role = Role.BUYER


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A draft competition owned by a buyer organisation. Traits: ``open``, ``scheduled``,
    ``in_review``, ``closed``, ``open_call``, ``with_phase`` (one phase, criteria and a
    question)."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"challenge-{n}")
    title = factory.Sequence(lambda n: f"Reduce falls in care homes {n}")
    summary = "Help us reduce falls among older people living in care homes."
    problem_statement = (
        "Older people in care homes fall often at night. Staff cannot be everywhere and "
        "falls lead to hospital stays."
    )
    outcomes_sought = "A 20% fall in night-time falls within 12 months."
    buyer = factory.SubFactory(BuyerOrganisationFactory)
    contact_name = "Sam Buyer"
    contact_email = "sam.buyer@example.gov.uk"
    budget_pence = 100_000_000  # £1,000,000
    status = Challenge.Status.DRAFT

    class Params:
        in_review = factory.Trait(
            status=Challenge.Status.IN_REVIEW,
            submitted_at=factory.LazyFunction(timezone.now),
        )
        scheduled = factory.Trait(
            status=Challenge.Status.SCHEDULED,
            submitted_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
        )
        open = factory.Trait(
            status=Challenge.Status.OPEN,
            submitted_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
            opened_at=factory.LazyFunction(timezone.now),
        )
        closed = factory.Trait(
            status=Challenge.Status.CLOSED,
            submitted_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
            opened_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
        )
        open_call = factory.Trait(mode=Challenge.Mode.OPEN_CALL, assessment_period_days=30)

    @factory.post_generation
    def with_phase(self, create, extracted, **kwargs):
        """``with_phase=True``: add phase 1 with criteria (weights 60 + 40) and a question."""
        if create and extracted:
            phase = PhaseFactory(challenge=self, **kwargs)
            CriterionFactory(phase=phase, title="Quality of the idea", weight=60, order=1)
            CriterionFactory(phase=phase, title="Value for money", weight=40, order=2)
            QuestionFactory(phase=phase)


class PhaseFactory(factory.django.DjangoModelFactory):
    """A phase: the envelope is always budget per contract × max contracts."""

    class Meta:
        model = Phase

    challenge = factory.SubFactory(ChallengeFactory)
    number = 1
    name = "Feasibility"
    budget_per_contract_pence = 5_000_000  # £50,000
    max_contracts = 4
    envelope_pence = factory.LazyAttribute(lambda o: o.budget_per_contract_pence * o.max_contracts)
    duration_weeks = 16
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    phase = factory.SubFactory(PhaseFactory)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "Score 0 for no evidence and 10 for strong evidence."
    weight = 100
    order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    phase = factory.SubFactory(PhaseFactory)
    text = "How would your idea reduce falls?"
    word_limit = 500
    required = True
    order = factory.Sequence(lambda n: n)


class AssessmentPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentPeriod

    phase = factory.SubFactory(PhaseFactory, closes_at=None)
    number = 1
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=30))


class ClarificationQuestionFactory(factory.django.DjangoModelFactory):
    """A question asked by a supplier's admin (``supplier`` is an approved profile)."""

    class Meta:
        model = ClarificationQuestion

    challenge = factory.SubFactory(ChallengeFactory, open=True)
    supplier = factory.SubFactory(SupplierProfileFactory, approved=True)
    asked_by = factory.SubFactory(UserFactory)
    question = "Can a consortium apply?"

    class Params:
        published = factory.Trait(
            status=ClarificationQuestion.Status.PUBLISHED,
            answer="Yes, name your partners in the application.",
            answered_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
        )


class ChallengeWatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeWatch

    challenge = factory.SubFactory(ChallengeFactory, open=True)
    user = factory.SubFactory(UserFactory)


class CompetitionInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetitionInvitation

    phase = factory.SubFactory(PhaseFactory)
    supplier = factory.SubFactory(SupplierProfileFactory, approved=True)
    invited_by = factory.SubFactory(UserFactory)


def open_challenge(**kwargs) -> Challenge:
    """An open competition with phase 1 (open now, closes in 30 days), criteria weighted 60 +
    40 and one question. Keyword arguments go to ``ChallengeFactory``; ``phase__...`` ones to
    the phase (for example ``phase__closes_at=...``)."""
    phase_kwargs = {
        k.removeprefix("phase__"): v for k, v in kwargs.items() if k.startswith("phase__")
    }
    challenge_kwargs = {k: v for k, v in kwargs.items() if not k.startswith("phase__")}
    challenge = ChallengeFactory(open=True, **challenge_kwargs)
    phase = PhaseFactory(challenge=challenge, **phase_kwargs)
    CriterionFactory(phase=phase, title="Quality of the idea", weight=60, order=1)
    CriterionFactory(phase=phase, title="Value for money", weight=40, order=2)
    QuestionFactory(phase=phase)
    return challenge


def buyer_in(organisation):
    """A new buyer user of ``organisation``."""
    return BuyerFactory(organisation=organisation).user


def approved_supplier(**profile_kwargs):
    """An approved supplier profile and its admin user: ``(profile, user)``."""
    profile = SupplierProfileFactory(approved=True, **profile_kwargs)
    user = MembershipFactory(organisation=profile.organisation, role=Role.SUPPLIER_ADMIN).user
    return profile, user
