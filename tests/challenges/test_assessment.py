"""Assessment: assigning, conflicts (which block scoring), scores 0-10, hidden scores until
submitted, blind mode, moderation with the spread, ranking and the funding line."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

from challenges.models import AssessorAssignment, ConsensusScore, Score
from challenges.selectors import assessment as reads
from challenges.services import assessment as svc
from marketplace.accounts.models import Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.applications import (
    ApplicationFactory,
    AssessorAssignmentFactory,
    assessing,
    assessor_for,
    buyer_for,
    moderate,
    score_all,
    submitted_assignment,
)
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    return ApplicationFactory(submitted=True, answered=True)


@pytest.fixture
def challenge(application):
    return application.phase.challenge


@pytest.fixture
def buyer(challenge):
    return buyer_for(challenge)


def criteria_of(application):
    return list(application.phase.criteria.all())


# --- Assigning ---------------------------------------------------------------------------------


def test_buyer_assigns_an_assessor_of_the_buyer_organisation(application, challenge, buyer):
    assessor = assessor_for(challenge)

    assignment = svc.assignment_create(application=application, assessor=assessor, by=buyer)

    assert assignment.status == AssessorAssignment.Status.ASSIGNED
    assert assignment.assigned_by == buyer


def test_assessor_of_a_co_funder_can_be_assigned(application, challenge, buyer):
    co_funder = OrganisationFactory()
    challenge.co_funders.add(co_funder)
    assessor = MembershipFactory(organisation=co_funder, role=Role.ASSESSOR).user

    assert svc.assignment_create(application=application, assessor=assessor, by=buyer).pk


def test_assessor_of_another_organisation_cannot_be_assigned(application, buyer):
    stranger = MembershipFactory(organisation=OrganisationFactory(), role=Role.ASSESSOR).user

    with pytest.raises(ValidationFailed, match="Choose an assessor from your organisation"):
        svc.assignment_create(application=application, assessor=stranger, by=buyer)


def test_only_the_challenge_buyer_assigns(application, challenge):
    other_buyer = MembershipFactory(organisation=OrganisationFactory(), role=Role.BUYER).user

    with pytest.raises(PermissionDenied):
        svc.assignment_create(
            application=application, assessor=assessor_for(challenge), by=other_buyer
        )


def test_drafts_cannot_be_assigned(challenge, buyer):
    draft = ApplicationFactory(phase=challenge.phases.get())

    with pytest.raises(ValidationFailed, match="submitted applications"):
        svc.assignment_create(application=draft, assessor=assessor_for(challenge), by=buyer)


# --- Conflicts ---------------------------------------------------------------------------------


def test_conflict_blocks_scoring(application):
    assignment = AssessorAssignmentFactory(application=application)
    svc.assignment_declare_conflict(
        assignment=assignment, by=assignment.assessor, details="I advise this company."
    )
    criterion = criteria_of(application)[0]

    with pytest.raises(PermissionDenied, match="conflict of interest"):
        svc.scores_save(
            assignment=assignment, by=assignment.assessor, scores={criterion.pk: ("7", "Good")}
        )
    assert not Score.objects.exists()


def test_conflict_needs_details(application):
    assignment = AssessorAssignmentFactory(application=application)

    with pytest.raises(ValidationFailed, match="Describe the conflict"):
        svc.assignment_declare_conflict(assignment=assignment, by=assignment.assessor, details=" ")


def test_conflict_declared_while_scoring_discards_draft_scores(application):
    assignment = AssessorAssignmentFactory(application=application, scoring=True)
    score_all(assignment, 5)

    svc.assignment_declare_conflict(
        assignment=assignment, by=assignment.assessor, details="Recognised a director."
    )

    assert not assignment.scores.exists()


def test_scoring_before_declaring_is_refused(application):
    assignment = AssessorAssignmentFactory(application=application)

    with pytest.raises(ValidationFailed, match="Declare any conflict"):
        svc.scores_save(
            assignment=assignment,
            by=assignment.assessor,
            scores={criteria_of(application)[0].pk: ("5", "")},
        )


def test_another_assessor_cannot_act_on_my_assignment(application, challenge):
    assignment = AssessorAssignmentFactory(application=application)

    with pytest.raises(PermissionDenied):
        svc.assignment_declare_no_conflict(assignment=assignment, by=assessor_for(challenge))


# --- Scores ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "11", "7.5", "ten", "1e1", "", "٣"])
def test_scores_outside_0_to_10_are_refused_with_the_criterion_named(application, value):
    assignment = AssessorAssignmentFactory(application=application, scoring=True)
    criterion = criteria_of(application)[0]

    with pytest.raises(ValidationFailed) as refused:
        svc.scores_save(
            assignment=assignment, by=assignment.assessor, scores={criterion.pk: (value, "x")}
        )
    assert str(refused.value) == (
        f"Score \u201c{criterion.title}\u201d with a whole number from 0 to 10"
    )


@pytest.mark.parametrize("value", ["0", "10", 4])
def test_scores_from_0_to_10_are_saved(application, value):
    assignment = AssessorAssignmentFactory(application=application, scoring=True)
    criterion = criteria_of(application)[0]

    svc.scores_save(
        assignment=assignment, by=assignment.assessor, scores={criterion.pk: (value, "Ok")}
    )

    assert Score.objects.get().score == int(value)


def test_submit_needs_every_criterion(application):
    assignment = AssessorAssignmentFactory(application=application, scoring=True)
    first, second = criteria_of(application)
    svc.scores_save(assignment=assignment, by=assignment.assessor, scores={first.pk: ("6", "")})

    with pytest.raises(ValidationFailed, match=second.title):
        svc.assignment_submit_scores(assignment=assignment, by=assignment.assessor)


def test_others_scores_are_hidden_until_mine_are_submitted(application):
    other = submitted_assignment(application, 9)
    mine = AssessorAssignmentFactory(application=application, scoring=True)

    assert reads.other_scores(mine) == []

    score_all(mine, 4)
    svc.assignment_submit_scores(assignment=mine, by=mine.assessor)
    mine.refresh_from_db()

    shown = reads.other_scores(mine)
    assert len(shown) == 1
    assert {s.score for s in shown[0]["scores"]} == {9}
    assert other.assessor.email not in str(shown)


def test_score_page_never_shows_others_scores_before_submitting(client, application):
    submitted_assignment(application, 9)
    mine = AssessorAssignmentFactory(application=application, scoring=True)
    client.force_login(mine.assessor)

    for name in ("challenges:assessment_detail", "challenges:assessment_score"):
        page = client.get(reverse(name, args=[mine.pk])).content.decode()
        assert "Scored 9." not in page
        assert "9 out of 10" not in page


# --- Blind mode --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["assigned", "scoring", "submitted"])
def test_blind_mode_hides_the_supplier_from_every_assessor_page(client, status):
    supplier = SupplierProfileFactory(
        approved=True,
        legal_name="Quiet Sensors Ltd",
        company_number="09876543",
        website="https://quiet-sensors.example",
    )
    partner = SupplierProfileFactory(approved=True, legal_name="Partner Robotics Ltd")
    application = ApplicationFactory(supplier=supplier, submitted=True, answered=True)
    application.partners.add(partner)
    application.phase.blind_assessment = True
    application.phase.save()
    assignment = AssessorAssignmentFactory(application=application, status=status)
    score_all(assignment, 5)
    client.force_login(assignment.assessor)

    pages = [
        reverse("challenges:assessment_list"),
        reverse("challenges:assessment_detail", args=[assignment.pk]),
        reverse("challenges:assessment_score", args=[assignment.pk]),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        for secret in ("Quiet Sensors", "09876543", "quiet-sensors.example", "Partner Robotics"):
            assert secret not in page, (url, secret)


def test_without_blind_mode_the_assessor_sees_the_supplier(client, application):
    assignment = AssessorAssignmentFactory(application=application)
    client.force_login(assignment.assessor)

    page = client.get(reverse("challenges:assessment_detail", args=[assignment.pk]))

    assert application.supplier.display_name in page.content.decode()


# --- Moderation --------------------------------------------------------------------------------


def test_spread_shows_min_max_and_mean_of_submitted_scores(application):
    submitted_assignment(application, 4, 6)
    submitted_assignment(application, 8, 7)
    draft = AssessorAssignmentFactory(application=application, scoring=True)
    score_all(draft, 0)  # not submitted: left out

    first, second = svc.score_spread(application)

    assert (first.minimum, first.maximum, first.mean) == (4, 8, 6.0)
    assert (second.minimum, second.maximum, second.mean) == (6, 7, 6.5)


def test_moderation_waits_for_the_minimum_number_of_assessors(application, challenge, buyer):
    assessing(challenge)
    submitted_assignment(application, 5)
    AssessorAssignmentFactory(application=application, conflicted=True)
    first, second = criteria_of(application)

    with pytest.raises(ValidationFailed, match="At least 2 assessors"):
        svc.consensus_record(
            application=application,
            by=buyer,
            scores={first.pk: ("5", "Fine", ""), second.pk: ("5", "Fine", "")},
        )


def test_consensus_far_from_the_mean_needs_a_reason(application, challenge, buyer):
    assessing(challenge)
    submitted_assignment(application, 4, 5)
    submitted_assignment(application, 6, 5)
    first, second = criteria_of(application)

    with pytest.raises(ValidationFailed, match="differs from the assessors' average"):
        svc.consensus_record(
            application=application,
            by=buyer,
            scores={first.pk: ("8", "Strong", ""), second.pk: ("5", "Fair", "")},
        )
    assert not ConsensusScore.objects.exists()

    svc.consensus_record(
        application=application,
        by=buyer,
        scores={
            first.pk: ("8", "Strong", "The panel agreed the trial data was stronger."),
            second.pk: ("7", "Fair", ""),  # within 2 of the mean: no reason needed
        },
    )
    application.refresh_from_db()
    # 8 x 60 + 7 x 40
    assert application.consensus_total == 760


def test_consensus_needs_feedback_for_each_criterion(application, challenge, buyer):
    assessing(challenge)
    submitted_assignment(application, 5)
    submitted_assignment(application, 5)
    first, second = criteria_of(application)

    with pytest.raises(ValidationFailed, match=f"Enter feedback for \u201c{second.title}"):
        svc.consensus_record(
            application=application,
            by=buyer,
            scores={first.pk: ("5", "Ok", ""), second.pk: ("5", "", "")},
        )


def test_consensus_refused_outside_0_to_10(application, challenge, buyer):
    assessing(challenge)
    submitted_assignment(application, 10)
    submitted_assignment(application, 10)
    first, second = criteria_of(application)

    with pytest.raises(ValidationFailed, match="whole number from 0 to 10"):
        svc.consensus_record(
            application=application,
            by=buyer,
            scores={first.pk: ("11", "Ok", "x"), second.pk: ("10", "Ok", "")},
        )


# --- Ranking and funding line ------------------------------------------------------------------


def _moderated(phase, total_score, requested=None):
    application = ApplicationFactory(phase=phase, submitted=True, requested_pence=requested)
    return moderate(application, total_score)


def test_ranking_is_by_weighted_total(application):
    phase = application.phase
    low = _moderated(phase, 3)
    high = _moderated(phase, 9)
    middle = _moderated(phase, 6)

    assert [a.pk for a in reads.ranking(phase)] == [high.pk, middle.pk, low.pk]
    assert high.consensus_total == 900


def test_funding_line_stops_at_the_envelope(application):
    phase = application.phase  # £50,000 x 4 contracts = £200,000
    first = _moderated(phase, 9, requested=9_000_000)
    second = _moderated(phase, 8, requested=9_000_000)
    third = _moderated(phase, 7, requested=5_000_000)  # would take it to £230,000
    _moderated(phase, 6, requested=1_000_000)  # below the line, even though it would fit

    line = reads.funding_line(phase)

    assert [r.application.pk for r in line.rows if r.above_line] == [first.pk, second.pk]
    assert line.line_after == 2
    assert line.committed == 18_000_000
    assert line.money_left == 2_000_000
    assert line.rows[2].application == third
    assert line.committed <= phase.envelope_pence


def test_funding_line_stops_at_the_maximum_contracts(application):
    phase = application.phase
    phase.max_contracts = 2
    phase.envelope_pence = phase.budget_per_contract_pence * 2
    phase.save()
    for score in (9, 8, 7):
        _moderated(phase, score, requested=1_000_000)

    line = reads.funding_line(phase)

    assert line.line_after == 2
    assert line.money_left == phase.envelope_pence - 2_000_000


# --- Every status against each assignment transition (statuses written out) --------------------


def _assignment_in(status, application):
    extra = {"conflict_details": "Conflict."} if status == "conflicted" else {}
    return AssessorAssignmentFactory(application=application, status=status, **extra)


@pytest.mark.parametrize("status", ["assigned"])
def test_declare_no_conflict_allowed_from(status, application):
    assignment = _assignment_in(status, application)
    result = svc.assignment_declare_no_conflict(assignment=assignment, by=assignment.assessor)
    assert result.status == "scoring"


@pytest.mark.parametrize("status", ["scoring", "conflicted", "submitted"])
def test_declare_no_conflict_refused_from(status, application):
    assignment = _assignment_in(status, application)
    with pytest.raises(InvalidTransition):
        svc.assignment_declare_no_conflict(assignment=assignment, by=assignment.assessor)
    assignment.refresh_from_db()
    assert assignment.status == status


@pytest.mark.parametrize("status", ["assigned", "scoring"])
def test_declare_conflict_allowed_from(status, application):
    assignment = _assignment_in(status, application)
    result = svc.assignment_declare_conflict(
        assignment=assignment, by=assignment.assessor, details="Former employer."
    )
    assert result.status == "conflicted"


@pytest.mark.parametrize("status", ["conflicted", "submitted"])
def test_declare_conflict_refused_from(status, application):
    assignment = _assignment_in(status, application)
    with pytest.raises(InvalidTransition):
        svc.assignment_declare_conflict(
            assignment=assignment, by=assignment.assessor, details="Former employer."
        )
    assignment.refresh_from_db()
    assert assignment.status == status


@pytest.mark.parametrize("status", ["scoring"])
def test_submit_scores_allowed_from(status, application):
    assignment = _assignment_in(status, application)
    score_all(assignment, 5)
    result = svc.assignment_submit_scores(assignment=assignment, by=assignment.assessor)
    assert result.status == "submitted"
    assert result.submitted_at is not None


@pytest.mark.parametrize("status", ["assigned", "conflicted", "submitted"])
def test_submit_scores_refused_from(status, application):
    assignment = _assignment_in(status, application)
    score_all(assignment, 5)
    with pytest.raises(InvalidTransition):
        svc.assignment_submit_scores(assignment=assignment, by=assignment.assessor)
    assignment.refresh_from_db()
    assert assignment.status == status


def test_submit_scores_is_atomic(application):
    assignment = _assignment_in("scoring", application)
    score_all(assignment, 5)

    with (
        mock.patch(
            "challenges.services.assessment.audit", side_effect=DatabaseError("audit failed")
        ),
        pytest.raises(DatabaseError),
    ):
        svc.assignment_submit_scores(assignment=assignment, by=assignment.assessor)

    assignment.refresh_from_db()
    assert assignment.status == "scoring"
    assert assignment.submitted_at is None


def test_declare_conflict_is_atomic(application):
    assignment = _assignment_in("scoring", application)
    score_all(assignment, 5)

    with (
        mock.patch(
            "challenges.services.assessment.audit", side_effect=DatabaseError("audit failed")
        ),
        pytest.raises(DatabaseError),
    ):
        svc.assignment_declare_conflict(
            assignment=assignment, by=assignment.assessor, details="Former employer."
        )

    assignment.refresh_from_db()
    assert assignment.status == "scoring"
    assert assignment.scores.count() == 2


def test_consensus_is_atomic(application, challenge, buyer):
    assessing(challenge)
    submitted_assignment(application, 5)
    submitted_assignment(application, 5)
    first, second = criteria_of(application)

    with (
        mock.patch(
            "challenges.services.assessment.audit", side_effect=DatabaseError("audit failed")
        ),
        pytest.raises(DatabaseError),
    ):
        svc.consensus_record(
            application=application,
            by=buyer,
            scores={first.pk: ("5", "Ok", ""), second.pk: ("5", "Ok", "")},
        )

    assert not ConsensusScore.objects.exists()
    application.refresh_from_db()
    assert application.consensus_total is None


def test_assessor_list_query_count(client, django_assert_max_num_queries, application):
    assignment = AssessorAssignmentFactory(application=application)
    for _ in range(4):
        AssessorAssignmentFactory(
            assessor=assignment.assessor,
            application=ApplicationFactory(phase=application.phase, submitted=True),
        )
    client.force_login(assignment.assessor)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("challenges:assessment_list"))
    assert response.status_code == 200
