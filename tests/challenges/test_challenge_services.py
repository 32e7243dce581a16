"""Drafting services: details, place, phases (envelopes), criteria, questions, documents."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from challenges.limits import PhaseDetails
from challenges.models import Challenge, ChallengeDocument, Criterion, Phase
from challenges.services import challenges as drafting
from marketplace.accounts.models import Organisation
from marketplace.core.errors import PermissionDenied, ValidationFailed
from suppliers.models import Capability
from tests.factories.challenges import (
    BuyerOrganisationFactory,
    ChallengeFactory,
    CriterionFactory,
    PhaseFactory,
    buyer_in,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "title": "Fewer falls in care homes",
    "summary": "Help us reduce night-time falls.",
    "problem_statement": "Older residents fall at night when staff are busy elsewhere.",
    "outcomes_sought": "20% fewer falls within 12 months.",
    "procedure": Challenge.Procedure.SBRI,
    "mode": Challenge.Mode.COMPETITION,
    "contact_name": "Sam",
    "contact_email": "sam@example.gov.uk",
    "budget_pence": 100_000_000,
}


def _phase(**overrides) -> PhaseDetails:
    now = timezone.now()
    values = {
        "name": "Feasibility",
        "budget_per_contract_pence": 5_000_000,
        "max_contracts": 4,
        "duration_weeks": 16,
        "opens_at": now + datetime.timedelta(days=7),
        "closes_at": now + datetime.timedelta(days=37),
    }
    return PhaseDetails(**{**values, **overrides})


@pytest.fixture
def draft(buyer_org, buyer):
    return drafting.challenge_create(by=buyer, organisation=buyer_org, details=dict(DETAILS))


def test_buyer_creates_a_draft_with_a_slug_and_co_funders(buyer_org, buyer):
    partner = BuyerOrganisationFactory()
    challenge = drafting.challenge_create(
        by=buyer, organisation=buyer_org, details=dict(DETAILS), co_funders=[partner, buyer_org]
    )
    assert challenge.status == Challenge.Status.DRAFT
    assert challenge.slug == "fewer-falls-in-care-homes"
    assert list(challenge.co_funders.all()) == [partner]  # the lead is never its own co-funder
    assert challenge.created_by == buyer


def test_a_second_challenge_with_the_same_title_gets_its_own_slug(buyer_org, buyer, draft):
    other = drafting.challenge_create(by=buyer, organisation=buyer_org, details=dict(DETAILS))
    assert other.slug == "fewer-falls-in-care-homes-2"


def test_only_buyers_of_the_organisation_create_challenges(buyer_org, other_buyer, supplier_admin):
    for user in (other_buyer, supplier_admin):
        with pytest.raises(PermissionDenied):
            drafting.challenge_create(by=user, organisation=buyer_org, details=dict(DETAILS))
    assert not Challenge.objects.exists()


def test_unverified_organisation_cannot_create(buyer):
    org = BuyerOrganisationFactory(
        verification_status=Organisation.VerificationStatus.PENDING, requested_at=timezone.now()
    )
    user = buyer_in(org)
    with pytest.raises(PermissionDenied, match="not been verified"):
        drafting.challenge_create(by=user, organisation=org, details=dict(DETAILS))


def test_non_buyer_organisation_cannot_co_fund(buyer_org, buyer, supplier_org):
    with pytest.raises(ValidationFailed, match="not a buying organisation"):
        drafting.challenge_create(
            by=buyer, organisation=buyer_org, details=dict(DETAILS), co_funders=[supplier_org]
        )


def test_update_keeps_the_slug(draft, buyer):
    drafting.challenge_update(
        challenge=draft, by=buyer, details={**DETAILS, "title": "Something else"}
    )
    draft.refresh_from_db()
    assert draft.title == "Something else"
    assert draft.slug == "fewer-falls-in-care-homes"


def test_other_organisation_cannot_update(draft, other_buyer):
    with pytest.raises(PermissionDenied):
        drafting.challenge_update(challenge=draft, by=other_buyer, details={"title": "Mine now"})


def test_co_funding_buyer_can_update(buyer_org, buyer):
    partner = BuyerOrganisationFactory()
    challenge = drafting.challenge_create(
        by=buyer, organisation=buyer_org, details=dict(DETAILS), co_funders=[partner]
    )
    drafting.challenge_update(challenge=challenge, by=buyer_in(partner), details={"title": "Joint"})
    challenge.refresh_from_db()
    assert challenge.title == "Joint"


def test_only_drafts_can_be_changed(buyer_org, buyer):
    challenge = ChallengeFactory(buyer=buyer_org, in_review=True)
    with pytest.raises(ValidationFailed, match="only change a challenge while it is a draft"):
        drafting.challenge_update(challenge=challenge, by=buyer, details={"title": "Late edit"})


def test_open_call_needs_an_assessment_period(draft, buyer):
    with pytest.raises(ValidationFailed, match="assessment period") as caught:
        drafting.challenge_update(
            challenge=draft, by=buyer, details={"mode": Challenge.Mode.OPEN_CALL}
        )
    assert caught.value.field == "assessment_period_days"


# --- Phases and envelopes -------------------------------------------------------------------


def test_envelope_is_computed_and_phases_are_numbered(draft, buyer):
    first = drafting.phase_add(challenge=draft, by=buyer, details=_phase())
    second = drafting.phase_add(
        challenge=draft,
        by=buyer,
        details=_phase(
            name="Prototype",
            budget_per_contract_pence=25_000_000,
            max_contracts=2,
            opens_at=None,
            closes_at=None,
        ),
    )
    assert (first.number, first.envelope_pence) == (1, 20_000_000)
    assert (second.number, second.envelope_pence) == (2, 50_000_000)


def test_envelopes_over_the_budget_are_refused_with_the_totals(draft, buyer):
    drafting.phase_add(challenge=draft, by=buyer, details=_phase())  # £200,000
    with pytest.raises(ValidationFailed) as caught:
        drafting.phase_add(
            challenge=draft,
            by=buyer,
            details=_phase(
                name="Prototype",
                budget_per_contract_pence=50_000_000,
                max_contracts=2,
                opens_at=None,
                closes_at=None,
            ),
        )
    assert "£1,200,000" in caught.value.message
    assert "£1,000,000" in caught.value.message
    assert caught.value.field == "budget_per_contract_pence"
    assert draft.phases.count() == 1


def test_envelopes_exactly_at_the_budget_are_accepted(draft, buyer):
    drafting.phase_add(
        challenge=draft, by=buyer, details=_phase(budget_per_contract_pence=25_000_000)
    )
    assert draft.phases.get().envelope_pence == draft.budget_pence


def test_budget_cannot_drop_below_the_envelopes(draft, buyer):
    drafting.phase_add(challenge=draft, by=buyer, details=_phase())
    with pytest.raises(ValidationFailed, match="at least £200,000"):
        drafting.challenge_update(challenge=draft, by=buyer, details={"budget_pence": 100})
    draft.refresh_from_db()
    assert draft.budget_pence == 100_000_000


def test_updating_a_phase_does_not_count_its_old_envelope(draft, buyer):
    phase = drafting.phase_add(
        challenge=draft, by=buyer, details=_phase(budget_per_contract_pence=25_000_000)
    )
    drafting.phase_update(
        phase=phase, by=buyer, details=_phase(budget_per_contract_pence=24_000_000)
    )
    phase.refresh_from_db()
    assert phase.envelope_pence == 96_000_000


def test_phase_must_close_after_it_opens(draft, buyer):
    now = timezone.now()
    with pytest.raises(ValidationFailed, match="after the opening date"):
        drafting.phase_add(challenge=draft, by=buyer, details=_phase(opens_at=now, closes_at=now))


def test_open_call_phases_have_no_closing_date(buyer_org, buyer):
    challenge = ChallengeFactory(buyer=buyer_org, open_call=True)
    with pytest.raises(ValidationFailed, match="leave the closing date empty"):
        drafting.phase_add(challenge=challenge, by=buyer, details=_phase())
    phase = drafting.phase_add(challenge=challenge, by=buyer, details=_phase(closes_at=None))
    assert phase.closes_at is None


def test_removing_a_phase_renumbers_the_later_ones(draft, buyer):
    first = drafting.phase_add(challenge=draft, by=buyer, details=_phase())
    drafting.phase_add(
        challenge=draft, by=buyer, details=_phase(name="Two", opens_at=None, closes_at=None)
    )
    drafting.phase_remove(phase=first, by=buyer)
    assert list(draft.phases.values_list("number", "name")) == [(1, "Two")]


# --- Criteria and questions -----------------------------------------------------------------


def test_criteria_weights_cannot_pass_100(buyer_org, buyer):
    phase = PhaseFactory(challenge=ChallengeFactory(buyer=buyer_org))
    drafting.criterion_add(phase=phase, by=buyer, title="Idea", weight=70)
    with pytest.raises(ValidationFailed, match="at most 30%"):
        drafting.criterion_add(phase=phase, by=buyer, title="Team", weight=40)
    drafting.criterion_add(phase=phase, by=buyer, title="Team", weight=30)
    assert sum(Criterion.objects.filter(phase=phase).values_list("weight", flat=True)) == 100


def test_questions_have_word_limits(buyer_org, buyer):
    phase = PhaseFactory(challenge=ChallengeFactory(buyer=buyer_org))
    question = drafting.question_add(phase=phase, by=buyer, text="Your idea?", word_limit=250)
    assert question.word_limit == 250
    with pytest.raises(Exception, match="word_limit"):
        drafting.question_add(phase=phase, by=buyer, text="Too short", word_limit=5)


def test_readiness_lists_weights_not_adding_up(buyer_org):
    challenge = ChallengeFactory(buyer=buyer_org)
    phase = PhaseFactory(challenge=challenge)
    CriterionFactory(phase=phase, weight=60)
    problems = drafting.readiness_problems(challenge)
    assert "The criteria weights of phase 1 add up to 60%: they must add up to 100%" in problems
    assert "Add at least one question to phase 1" in problems


# --- "Problem, not solution" ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We need an app for carers",
        "Build a blockchain ledger",
        "An AI-powered triage tool",
        "A chatbot for residents",
        "A dashboard of falls",
        "Use machine learning to predict falls",
        "A new portal for tenants",
    ],
)
def test_problem_statements_naming_a_technology_get_a_warning(text):
    warnings = drafting.problem_statement_warnings(text)
    assert len(warnings) == 1
    assert "let suppliers propose how to solve it" in warnings[0]


@pytest.mark.parametrize(
    "text", ["Older people fall at night", "Residents wait too long for repairs", "Happiness"]
)
def test_problem_statements_without_a_technology_get_no_warning(text):
    assert drafting.problem_statement_warnings(text) == []


# --- Place ----------------------------------------------------------------------------------


def test_place_from_a_postcode_sets_point_and_region(draft, buyer):
    drafting.challenge_set_place(
        challenge=draft, by=buyer, uk_wide=False, postcode="LS1 4DY", radius_miles=25
    )
    draft.refresh_from_db()
    assert draft.uk_wide is False
    assert draft.region_id == "TLE"
    assert draft.latitude == pytest.approx(53.8, abs=0.1)
    assert draft.place_radius_miles == 25


def test_unknown_postcode_is_refused_and_nothing_changes(draft, buyer):
    with pytest.raises(ValidationFailed) as caught:
        drafting.challenge_set_place(
            challenge=draft, by=buyer, uk_wide=False, postcode="ZZ99 9ZZ", radius_miles=25
        )
    assert caught.value.field == "postcode"
    draft.refresh_from_db()
    assert draft.uk_wide is True


def test_back_to_uk_wide_clears_the_point(draft, buyer):
    drafting.challenge_set_place(
        challenge=draft, by=buyer, uk_wide=False, postcode="LS1 4DY", radius_miles=25
    )
    drafting.challenge_set_place(challenge=draft, by=buyer, uk_wide=True)
    draft.refresh_from_db()
    assert (draft.uk_wide, draft.latitude, draft.region_id) == (True, None, None)


# --- Documents ------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_document_is_checked_by_content_and_renamed(draft, buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")
    document = drafting.document_add(challenge=draft, by=buyer, title="Brief", upload=upload)
    assert document.original_name == "brief.pdf"
    assert document.file.name.endswith(".pdf")
    assert "brief" not in document.file.name


def test_html_called_pdf_is_refused(draft, buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("brief.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationFailed):
        drafting.document_add(challenge=draft, by=buyer, title="Brief", upload=upload)
    assert not ChallengeDocument.objects.exists()


def test_capabilities_are_set(buyer_org, buyer):
    heading = Capability.objects.create(name="Health", slug="health-x")
    cap = Capability.objects.create(name="Falls", slug="falls-x", parent=heading)
    challenge = drafting.challenge_create(
        by=buyer, organisation=buyer_org, details=dict(DETAILS), capabilities=[cap]
    )
    assert list(challenge.capabilities.all()) == [cap]
    assert Phase.objects.count() == 0
