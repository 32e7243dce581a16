"""Inviting suppliers, phase N+1 by invitation of phase N's funded suppliers, suggestions."""

import pytest
from django.core import mail

from challenges.models import Application, CompetitionInvitation
from challenges.selectors.suggestions import suggested_suppliers
from challenges.services.invitations import (
    invitation_create,
    phase_invite_funded,
    supplier_invited_to,
)
from marketplace.core.errors import PermissionDenied, ValidationFailed
from suppliers.models import Capability, Region
from tests.factories.challenges import PhaseFactory, approved_supplier, open_challenge
from tests.factories.suppliers import CaseStudyFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(buyer_org):
    return open_challenge(buyer=buyer_org)


def test_buyer_invites_a_supplier_who_is_emailed(
    challenge, buyer, django_capture_on_commit_callbacks
):
    profile, user = approved_supplier()
    phase = challenge.phases.get()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(phase=phase, supplier=profile, by=buyer, message="Do apply")
    assert invitation.invited_by == buyer
    assert supplier_invited_to(phase, profile)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "invites you to apply" in mail.outbox[0].subject


def test_inviting_twice_is_refused_clearly(challenge, buyer):
    profile, _ = approved_supplier(legal_name="Acme Falls Ltd")
    phase = challenge.phases.get()
    invitation_create(phase=phase, supplier=profile, by=buyer)
    with pytest.raises(ValidationFailed, match="Acme Falls Ltd has already been invited"):
        invitation_create(phase=phase, supplier=profile, by=buyer)
    assert CompetitionInvitation.objects.count() == 1


def test_other_organisation_cannot_invite(challenge, other_buyer):
    profile, _ = approved_supplier()
    with pytest.raises(PermissionDenied):
        invitation_create(phase=challenge.phases.get(), supplier=profile, by=other_buyer)


def test_only_approved_suppliers_can_be_invited(challenge, buyer):
    with pytest.raises(ValidationFailed, match="approved suppliers"):
        invitation_create(phase=challenge.phases.get(), supplier=SupplierProfileFactory(), by=buyer)


def test_phase_invite_funded_invites_only_funded_suppliers_once(challenge, buyer):
    phase_one = challenge.phases.get()
    phase_two = PhaseFactory(
        challenge=challenge, number=2, name="Prototype", opens_at=None, closes_at=None
    )
    funded = [approved_supplier()[0] for _ in range(2)]
    loser = approved_supplier()[0]
    for supplier in funded:
        Application.objects.create(
            phase=phase_one, supplier=supplier, status="funded", submitted_at=phase_one.opens_at
        )
    Application.objects.create(
        phase=phase_one, supplier=loser, status="unfunded", submitted_at=phase_one.opens_at
    )

    invitations = phase_invite_funded(phase=phase_two, by=buyer)
    assert {i.supplier for i in invitations} == set(funded)
    assert not supplier_invited_to(phase_two, loser)
    assert phase_invite_funded(phase=phase_two, by=buyer) == []  # again: nobody twice
    assert CompetitionInvitation.objects.filter(phase=phase_two).count() == 2


def test_phase_invite_funded_needs_a_later_phase(challenge, buyer):
    with pytest.raises(ValidationFailed):
        phase_invite_funded(phase=challenge.phases.get(), by=buyer)


# --- Suggestions ----------------------------------------------------------------------------


def test_suggestions_are_ranked_with_reasons(challenge):
    heading = Capability.objects.create(name="Care", slug="s-care")
    caps = [
        Capability.objects.create(name=f"Cap {i}", slug=f"s-cap-{i}", parent=heading)
        for i in range(4)
    ]
    challenge.capabilities.set(caps)
    challenge.uk_wide = False
    challenge.region = Region.objects.get(code="TLE")
    challenge.latitude, challenge.longitude = 53.8, -1.55
    challenge.problem_statement = "Residents in care homes suffer falls at night."
    challenge.save()

    best, _ = approved_supplier(legal_name="Best Fit Ltd", summary="Accounting software.")
    best.capabilities.set(caps[:3])
    best.regions_served.set([Region.objects.get(code="TLE")])
    CaseStudyFactory(
        profile=best,
        title="Fall prevention",
        challenge="Night falls in care homes",
        outcome="Falls fell.",
    )
    some, _ = approved_supplier(
        legal_name="Some Fit Ltd",
        summary="Accounting software.",
        region=Region.objects.get(code="TLI"),
    )
    some.capabilities.set(caps[:1])
    approved_supplier(
        legal_name="No Fit Ltd", summary="Bookkeeping.", region=Region.objects.get(code="TLI")
    )

    suggestions = suggested_suppliers(challenge=challenge)
    names = [s.supplier.display_name for s in suggestions]
    assert names == ["Best Fit Ltd", "Some Fit Ltd"]
    assert suggestions[0].reason == (
        "3 of 4 capabilities, serves Yorkshire and The Humber, case study: Fall prevention"
    )
    assert suggestions[1].reason == "1 of 4 capabilities"


def test_suggestions_mark_invited_suppliers(challenge, buyer):
    profile, _ = approved_supplier(summary="We prevent falls in care homes at night.")
    invitation_create(phase=challenge.phases.get(), supplier=profile, by=buyer)
    [suggestion] = suggested_suppliers(challenge=challenge)
    assert suggestion.invited is True
