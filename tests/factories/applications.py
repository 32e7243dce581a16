"""Factories for the application side: applications, answers, attachments, assignments, scores.

``ApplicationFactory`` builds a draft application by an approved supplier to phase 1 of an open
challenge (``open_challenge()``). Traits: ``submitted``, ``ready`` (answered and declared).
``submitted_application(**kw)`` and ``assessing_application(**kw)`` build the common set-ups.
"""

import factory
from django.utils import timezone

from challenges.models import (
    Answer,
    Application,
    AssessorAssignment,
    Challenge,
    ConsensusScore,
    Score,
)
from marketplace.accounts.models import Role
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.challenges import open_challenge
from tests.factories.suppliers import SupplierProfileFactory


def _phase_of_open_challenge():
    return open_challenge().phases.get(number=1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    phase = factory.LazyFunction(_phase_of_open_challenge)
    supplier = factory.SubFactory(SupplierProfileFactory, approved=True)
    title = "Night-time fall sensors"
    status = Application.Status.DRAFT

    class Params:
        ready = factory.Trait(eligibility_confirmed=True, declarations_confirmed=True)
        submitted = factory.Trait(
            status=Application.Status.SUBMITTED,
            eligibility_confirmed=True,
            declarations_confirmed=True,
            submitted_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def answered(self, create, extracted, **kwargs):
        """``answered=True``: answer every question of the phase within its word limit."""
        if create and extracted:
            for question in self.phase.questions.all():
                Answer.objects.update_or_create(
                    application=self,
                    question=question,
                    defaults={"text": "We will put sensors under every bed."},
                )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    application = factory.SubFactory(ApplicationFactory)
    question = factory.LazyAttribute(lambda o: o.application.phase.questions.first())
    text = "We will put sensors under every bed."


def supplier_user(supplier, role=Role.SUPPLIER_ADMIN):
    """A person working for ``supplier``'s organisation."""
    return MembershipFactory(organisation=supplier.organisation, role=role).user


def assessor_for(challenge: Challenge, **kwargs):
    """A person with the assessor role in the challenge's buyer organisation."""
    return MembershipFactory(organisation=challenge.buyer, role=Role.ASSESSOR, **kwargs).user


def buyer_for(challenge: Challenge):
    """A buyer of the challenge's organisation, with an authenticator (buyers must use 2FA:
    sign them in with ``mfa_login``)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = MembershipFactory(organisation=challenge.buyer, role=Role.BUYER).user
    TOTP.activate(user, generate_totp_secret())
    return user


class AssessorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessorAssignment

    application = factory.SubFactory(ApplicationFactory, submitted=True, answered=True)
    assessor = factory.LazyAttribute(lambda o: assessor_for(o.application.phase.challenge))
    assigned_by = factory.SubFactory(UserFactory)
    status = AssessorAssignment.Status.ASSIGNED

    class Params:
        scoring = factory.Trait(
            status=AssessorAssignment.Status.SCORING,
            declared_at=factory.LazyFunction(timezone.now),
        )
        conflicted = factory.Trait(
            status=AssessorAssignment.Status.CONFLICTED,
            conflict_details="I used to work for this supplier.",
            declared_at=factory.LazyFunction(timezone.now),
        )
        submitted = factory.Trait(
            status=AssessorAssignment.Status.SUBMITTED,
            declared_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )


def score_all(assignment: AssessorAssignment, *values: int) -> None:
    """Give each criterion of the phase (in order) the next value (the last one repeats)."""
    criteria = list(assignment.application.phase.criteria.all())
    for index, criterion in enumerate(criteria):
        value = values[min(index, len(values) - 1)]
        Score.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"score": value, "comment": f"Scored {value}."},
        )


def submitted_assignment(application: Application, *values: int) -> AssessorAssignment:
    assignment = AssessorAssignmentFactory(application=application, submitted=True)
    score_all(assignment, *values)
    return assignment


def moderate(application: Application, *values: int) -> Application:
    """Record consensus scores directly (tests of what comes after moderation)."""
    criteria = list(application.phase.criteria.all())
    total = 0
    for index, criterion in enumerate(criteria):
        value = values[min(index, len(values) - 1)]
        ConsensusScore.objects.update_or_create(
            application=application,
            criterion=criterion,
            defaults={"score": value, "feedback": f"Consensus {value} for {criterion.title}."},
        )
        total += value * criterion.weight
    application.consensus_total = total
    application.save(update_fields=["consensus_total"])
    return application


def assessing(challenge: Challenge) -> Challenge:
    challenge.status = Challenge.Status.ASSESSING
    challenge.closed_at = timezone.now()
    challenge.save(update_fields=["status", "closed_at"])
    return challenge
