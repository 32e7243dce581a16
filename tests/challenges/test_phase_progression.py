"""Phase N+1 opens only to phase N's funded suppliers; a phase-1 loser is refused clearly."""

import pytest
from django.urls import reverse

from challenges.models import Application, Challenge, CompetitionInvitation, Criterion, Phase
from challenges.services import applications as apply
from challenges.services import decisions as svc
from marketplace.core.errors import PermissionDenied, ValidationFailed
from tests.factories.applications import (
    ApplicationFactory,
    assessing,
    buyer_for,
    moderate,
    supplier_user,
)
from tests.factories.challenges import PhaseFactory, QuestionFactory, open_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_phases():
    challenge = assessing(open_challenge())
    phase_one = challenge.phases.get()
    phase_two = PhaseFactory(
        challenge=challenge,
        number=2,
        name="Prototype",
        budget_per_contract_pence=50_000_000,
        max_contracts=2,
        envelope_pence=100_000_000,
    )
    Criterion.objects.create(phase=phase_two, title="Prototype quality", weight=100)
    QuestionFactory(phase=phase_two, text="What will the prototype show?")
    buyer = buyer_for(challenge)
    winner = moderate(ApplicationFactory(phase=phase_one, submitted=True), 9)
    loser = moderate(ApplicationFactory(phase=phase_one, submitted=True), 2)
    svc.application_decide(application=winner, by=buyer, decision="fund", reasons="Strong.")
    svc.application_decide(application=loser, by=buyer, decision="decline", reasons="Weak.")
    svc.challenge_decide(challenge=challenge, by=buyer)
    return challenge, phase_two, buyer, winner, loser


def test_opening_phase_two_invites_the_funded_suppliers(two_phases):
    challenge, phase_two, buyer, winner, loser = two_phases

    svc.phase_open_next(challenge=challenge, by=buyer)

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN
    assert challenge.current_phase_number == 2
    invited = set(
        CompetitionInvitation.objects.filter(phase=phase_two).values_list("supplier", flat=True)
    )
    assert invited == {winner.supplier_id}


def test_funded_supplier_can_apply_to_phase_two(two_phases):
    challenge, phase_two, buyer, winner, _ = two_phases
    svc.phase_open_next(challenge=challenge, by=buyer)

    application = apply.application_start(
        phase=phase_two, supplier=winner.supplier, by=supplier_user(winner.supplier)
    )

    assert application.phase == phase_two


def test_phase_one_loser_is_refused_clearly(two_phases):
    challenge, phase_two, buyer, _, loser = two_phases
    svc.phase_open_next(challenge=challenge, by=buyer)

    with pytest.raises(PermissionDenied) as refused:
        apply.application_start(
            phase=phase_two, supplier=loser.supplier, by=supplier_user(loser.supplier)
        )

    assert str(refused.value) == (
        "Phase 2 is open only to suppliers funded in phase 1. "
        "You were not invited to this phase, so you cannot apply."
    )
    assert not Application.objects.filter(phase=phase_two).exists()


def test_phase_one_loser_sees_why_on_the_challenge_page(client, two_phases):
    challenge, _, buyer, _, loser = two_phases
    svc.phase_open_next(challenge=challenge, by=buyer)
    client.force_login(supplier_user(loser.supplier))

    page = client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    assert "Phase 2 is open only to suppliers funded in phase 1." in page
    assert "Start your application" not in page

    response = client.post(
        reverse("challenges:application_start", args=[challenge.slug]), follow=True
    )
    assert "You were not invited to this phase" in response.content.decode()
    assert not Application.objects.filter(phase__number=2).exists()


def test_next_phase_needs_the_current_one_decided():
    challenge = assessing(open_challenge())
    PhaseFactory(challenge=challenge, number=2)

    with pytest.raises(ValidationFailed):
        svc.phase_open_next(challenge=challenge, by=buyer_for(challenge))
    assert Phase.objects.filter(challenge=challenge).count() == 2
    challenge.refresh_from_db()
    assert challenge.current_phase_number == 1


def test_no_next_phase_is_refused(two_phases):
    challenge, phase_two, buyer, _, _ = two_phases
    phase_two.delete()

    with pytest.raises(ValidationFailed, match="no next phase"):
        svc.phase_open_next(challenge=challenge, by=buyer)
