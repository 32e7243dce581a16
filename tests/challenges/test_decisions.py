"""Funding decisions: every status against shortlist, not eligible, fund, reserve and decline;
the envelope and maximum contracts; the challenge moving assessing -> decided."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from challenges.models import Application, Challenge
from challenges.services import decisions as svc
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.applications import ApplicationFactory, assessing, buyer_for, moderate
from tests.factories.challenges import open_challenge

pytestmark = pytest.mark.django_db
ALL = [
    "draft",
    "submitted",
    "withdrawn",
    "ineligible",
    "shortlisted",
    "funded",
    "reserve",
    "unfunded",
]


@pytest.fixture
def challenge():
    return assessing(open_challenge())


@pytest.fixture
def phase(challenge):
    return challenge.phases.get()


@pytest.fixture
def buyer(challenge):
    return buyer_for(challenge)


def in_status(phase, status, *, requested=None, score=7):
    submitted_at = None if status in ("draft", "withdrawn") else timezone.now()
    application = ApplicationFactory(
        phase=phase, status=status, submitted_at=submitted_at, requested_pence=requested
    )
    return moderate(application, score)


def refused(allowed):
    return [s for s in ALL if s not in allowed]


CASES = {
    "fund": ["submitted", "shortlisted", "reserve"],
    "reserve": ["submitted", "shortlisted"],
    "decline": ["submitted", "shortlisted", "reserve"],
}
TARGET = {"fund": "funded", "reserve": "reserve", "decline": "unfunded"}
EVENT = {
    "fund": "application.funded",
    "reserve": "application.reserved",
    "decline": "application.unfunded",
}


@pytest.mark.parametrize(
    ("decision", "status"), [(d, s) for d, statuses in CASES.items() for s in statuses]
)
def test_decision_allowed_from(decision, status, phase, buyer):
    application = in_status(phase, status)

    result = svc.application_decide(
        application=application, by=buyer, decision=decision, reasons="Clear plan."
    )

    assert result.status == TARGET[decision]
    assert result.decision_reasons == "Clear plan."
    assert result.decided_by == buyer
    assert AuditEvent.objects.filter(verb=EVENT[decision]).exists()


@pytest.mark.parametrize(
    ("decision", "status"), [(d, s) for d, statuses in CASES.items() for s in refused(statuses)]
)
def test_decision_refused_from(decision, status, phase, buyer):
    application = in_status(phase, status)

    with pytest.raises(InvalidTransition):
        svc.application_decide(
            application=application, by=buyer, decision=decision, reasons="Clear plan."
        )
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize("status", ["submitted"])
def test_shortlist_allowed_from(status, phase, buyer):
    application = in_status(phase, status)
    assert svc.application_shortlist(application=application, by=buyer).status == "shortlisted"


@pytest.mark.parametrize("status", refused(["submitted"]))
def test_shortlist_refused_from(status, phase, buyer):
    application = in_status(phase, status)
    with pytest.raises(InvalidTransition):
        svc.application_shortlist(application=application, by=buyer)


@pytest.mark.parametrize("status", ["submitted", "shortlisted"])
def test_mark_ineligible_allowed_from(status, phase, buyer):
    application = in_status(phase, status)
    result = svc.application_mark_ineligible(
        application=application, by=buyer, reasons="No UK presence."
    )
    assert result.status == "ineligible"


@pytest.mark.parametrize("status", refused(["submitted", "shortlisted"]))
def test_mark_ineligible_refused_from(status, phase, buyer):
    application = in_status(phase, status)
    with pytest.raises(InvalidTransition):
        svc.application_mark_ineligible(application=application, by=buyer, reasons="No.")


def test_decision_needs_reasons(phase, buyer):
    application = in_status(phase, "submitted")

    with pytest.raises(ValidationFailed, match="Enter the reasons"):
        svc.application_decide(application=application, by=buyer, decision="fund", reasons=" ")


def test_decision_needs_moderation_first(phase, buyer):
    application = in_status(phase, "submitted")
    Application.objects.filter(pk=application.pk).update(consensus_total=None)

    with pytest.raises(ValidationFailed, match="Moderate"):
        svc.application_decide(application=application, by=buyer, decision="fund", reasons="x")


def test_decisions_only_while_assessing(buyer):
    challenge = open_challenge()
    application = in_status(challenge.phases.get(), "submitted")

    with pytest.raises(ValidationFailed, match="being assessed"):
        svc.application_decide(
            application=application, by=buyer_for(challenge), decision="fund", reasons="x"
        )


def test_buyer_of_another_organisation_cannot_decide(phase):
    application = in_status(phase, "submitted")
    stranger = MembershipFactory(organisation=OrganisationFactory(), role="buyer").user

    with pytest.raises(PermissionDenied):
        svc.application_decide(application=application, by=stranger, decision="fund", reasons="x")


def test_funding_over_the_envelope_is_refused(phase, buyer):
    # £200,000 envelope: £90,000 + £90,000 funded leaves £20,000.
    for _ in range(2):
        svc.application_decide(
            application=in_status(phase, "submitted", requested=9_000_000),
            by=buyer,
            decision="fund",
            reasons="Strong.",
        )
    third = in_status(phase, "submitted", requested=5_000_000)

    with pytest.raises(ValidationFailed) as error:
        svc.application_decide(application=third, by=buyer, decision="fund", reasons="Ok.")

    assert "would go over the phase envelope of £200,000" in str(error.value)
    assert "£20,000 is left" in str(error.value)
    third.refresh_from_db()
    assert third.status == "submitted"


def test_funding_over_the_maximum_contracts_is_refused(phase, buyer):
    phase.max_contracts = 1
    phase.envelope_pence = phase.budget_per_contract_pence
    phase.save()
    svc.application_decide(
        application=in_status(phase, "submitted", requested=1_000_000),
        by=buyer,
        decision="fund",
        reasons="Strong.",
    )

    with pytest.raises(ValidationFailed, match="at most 1 contracts"):
        svc.application_decide(
            application=in_status(phase, "submitted", requested=1_000_000),
            by=buyer,
            decision="fund",
            reasons="Also strong.",
        )


def test_challenge_decided_only_when_every_application_is_decided(challenge, phase, buyer):
    funded = in_status(phase, "submitted")
    waiting = in_status(phase, "shortlisted")
    svc.application_decide(application=funded, by=buyer, decision="fund", reasons="Good.")

    with pytest.raises(ValidationFailed, match="1 still needs a decision"):
        svc.challenge_decide(challenge=challenge, by=buyer)

    svc.application_decide(application=waiting, by=buyer, decision="decline", reasons="Weak.")
    svc.challenge_decide(challenge=challenge, by=buyer)

    challenge.refresh_from_db()
    phase.refresh_from_db()
    assert challenge.status == Challenge.Status.DECIDED
    assert challenge.decided_at is not None
    assert phase.decided_at is not None


@pytest.mark.parametrize("status", ["closed", "open"])
def test_start_assessment(status, buyer):
    challenge = open_challenge()
    Challenge.objects.filter(pk=challenge.pk).update(status=status)

    result = svc.challenge_start_assessment(challenge=challenge, by=buyer_for(challenge))

    assert result.status == "assessing"


def test_decide_is_atomic(phase, buyer):
    application = in_status(phase, "submitted")

    with (
        mock.patch("challenges.services.decisions.audit", side_effect=DatabaseError("boom")),
        pytest.raises(DatabaseError),
    ):
        svc.application_decide(application=application, by=buyer, decision="fund", reasons="x")

    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.decided_at is None
    assert application.decision_reasons == ""
