"""The application pages: the apply panel, start (once, however often posted), questions,
check and submit, withdraw, and the buyer's assessment pages."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import Answer, Application, AssessorAssignment, CompetitionInvitation
from tests.factories.applications import (
    ApplicationFactory,
    AssessorAssignmentFactory,
    assessing,
    assessor_for,
    buyer_for,
    moderate,
    submitted_assignment,
    supplier_user,
)
from tests.factories.challenges import open_challenge
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return open_challenge()


@pytest.fixture
def supplier():
    return SupplierProfileFactory(approved=True)


@pytest.fixture
def person(client, supplier):
    user = supplier_user(supplier)
    client.force_login(user)
    return user


def detail(client, challenge):
    return client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()


# --- The apply panel ---------------------------------------------------------------------------


def test_panel_for_anonymous_visitors_asks_them_to_sign_in(client, challenge):
    page = detail(client, challenge)
    assert "Sign in as a supplier to apply" in page
    assert "Start your application" not in page


def test_panel_offers_start_then_continue_then_applied(client, challenge, supplier, person):
    assert "Start your application" in detail(client, challenge)

    client.post(reverse("challenges:application_start", args=[challenge.slug]))
    assert "Continue your application" in detail(client, challenge)

    application = Application.objects.get()
    Application.objects.filter(pk=application.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    assert "You applied on" in detail(client, challenge)


def test_panel_shows_invited(client, challenge, supplier, person):
    CompetitionInvitation.objects.create(phase=challenge.phases.get(), supplier=supplier)
    assert "Invited" in detail(client, challenge)


def test_panel_for_buyers_says_only_suppliers_apply(client, challenge, mfa_login):
    mfa_login(client, buyer_for(challenge))
    assert "Only suppliers on the marketplace can apply." in detail(client, challenge)


# --- Start -------------------------------------------------------------------------------------


def test_double_post_of_start_makes_one_application(client, challenge, person):
    url = reverse("challenges:application_start", args=[challenge.slug])
    token = str(uuid.uuid4())

    first = client.post(url, {"form_token": token})
    second = client.post(url, {"form_token": token})

    assert Application.objects.count() == 1
    application = Application.objects.get()
    tasks = reverse("challenges:application_tasks", args=[application.pk])
    assert first.url == tasks
    assert second.url == tasks


def test_start_without_a_token_is_still_one_application(client, challenge, person):
    url = reverse("challenges:application_start", args=[challenge.slug])
    client.post(url)
    client.post(url)
    assert Application.objects.count() == 1


def test_start_after_the_deadline_explains(client, person):
    challenge = open_challenge(
        phase__opens_at=timezone.now() - datetime.timedelta(days=5),
        phase__closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    response = client.post(
        reverse("challenges:application_start", args=[challenge.slug]), follow=True
    )
    assert "The deadline was" in response.content.decode()
    assert not Application.objects.exists()


# --- Answering and submitting ------------------------------------------------------------------


def test_answer_over_the_limit_is_saved_with_a_warning(client, challenge, supplier, person):
    application = ApplicationFactory(phase=challenge.phases.get(), supplier=supplier)
    question = application.phase.questions.get()
    question.word_limit = 10
    question.save()
    url = reverse("challenges:application_question", args=[application.pk, question.pk])

    response = client.post(url, {"answer": "word " * 12}, follow=True)

    page = response.content.decode()
    assert "Your answer was saved." in page
    assert "is 12 words" in page
    assert Answer.objects.get().text == ("word " * 12).strip()


def test_check_and_submit(client, challenge, supplier, person):
    application = ApplicationFactory(
        phase=challenge.phases.get(), supplier=supplier, ready=True, answered=True
    )
    url = reverse("challenges:application_check", args=[application.pk])
    assert "Check your answers before you submit" in client.get(url).content.decode()

    response = client.post(url, follow=True)

    assert "Application submitted" in response.content.decode()
    assert f"APP-{application.pk}" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_submit_after_the_deadline_shows_the_deadline_and_keeps_the_draft(
    client, challenge, supplier, person
):
    phase = challenge.phases.get()
    application = ApplicationFactory(phase=phase, supplier=supplier, ready=True, answered=True)
    phase.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    phase.save()
    url = reverse("challenges:application_check", args=[application.pk])

    response = client.post(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "You can no longer submit this application." in page
    application.refresh_from_db()
    assert application.status == "draft"


def test_declarations_page(client, challenge, supplier, person):
    application = ApplicationFactory(phase=challenge.phases.get(), supplier=supplier)
    url = reverse("challenges:application_declarations", args=[application.pk])

    client.post(url, {"eligibility_confirmed": "on", "declarations_confirmed": "on"})

    application.refresh_from_db()
    assert application.eligibility_confirmed and application.declarations_confirmed


def test_partners_found_by_company_number_and_added(client, challenge, supplier, person):
    application = ApplicationFactory(phase=challenge.phases.get(), supplier=supplier)
    partner = SupplierProfileFactory(approved=True, company_number="07654321")
    url = reverse("challenges:application_partners", args=[application.pk])

    page = client.get(url, {"q": "07654321"}).content.decode()
    assert partner.display_name in page

    client.post(
        reverse("challenges:application_partner_change", args=[application.pk, partner.pk, "add"])
    )
    assert list(application.partners.all()) == [partner]


def test_withdraw_page(client, challenge, supplier, person):
    application = ApplicationFactory(
        phase=challenge.phases.get(), supplier=supplier, submitted=True
    )
    url = reverse("challenges:application_withdraw", args=[application.pk])
    assert "Are you sure you want to withdraw" in client.get(url).content.decode()

    client.post(url)

    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_supplier_application_list_query_count(
    client, supplier, person, django_assert_max_num_queries
):
    for _ in range(5):
        ApplicationFactory(supplier=supplier)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("challenges:application_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/applications/") >= 5


# --- Assessor pages ----------------------------------------------------------------------------


def test_assessor_declares_no_conflict_then_scores_and_submits(client):
    assignment = AssessorAssignmentFactory()
    client.force_login(assignment.assessor)
    detail_url = reverse("challenges:assessment_detail", args=[assignment.pk])

    client.post(detail_url, {"has_conflict": "no"})
    assignment.refresh_from_db()
    assert assignment.status == "scoring"

    first, second = assignment.application.phase.criteria.all()
    response = client.post(
        reverse("challenges:assessment_score", args=[assignment.pk]),
        {f"score_{first.pk}": "11", f"comment_{first.pk}": "x", f"score_{second.pk}": "5"},
    )
    assert response.status_code == 200
    assert f"Score \u201c{first.title}\u201d with a whole number from 0 to 10" in (
        response.content.decode()
    )

    client.post(
        reverse("challenges:assessment_score", args=[assignment.pk]),
        {f"score_{first.pk}": "7", f"score_{second.pk}": "5", "submit": "1"},
    )
    assignment.refresh_from_db()
    assert assignment.status == "submitted"


def test_assessor_declares_a_conflict(client):
    assignment = AssessorAssignmentFactory()
    client.force_login(assignment.assessor)

    client.post(
        reverse("challenges:assessment_detail", args=[assignment.pk]),
        {"has_conflict": "yes", "details": "My sister runs it."},
    )

    assignment.refresh_from_db()
    assert assignment.status == AssessorAssignment.Status.CONFLICTED
    response = client.get(reverse("challenges:assessment_score", args=[assignment.pk]), follow=True)
    assert "you cannot score this application" in response.content.decode()


# --- Buyer pages -------------------------------------------------------------------------------


def test_buyer_assigns_moderates_and_decides(client, mfa_login):
    application = ApplicationFactory(submitted=True, answered=True)
    challenge = assessing(application.phase.challenge)
    buyer = buyer_for(challenge)
    mfa_login(client, buyer)
    slug = challenge.slug
    assessor = assessor_for(challenge)

    client.post(
        reverse("challenges:manage_assign", args=[slug, application.pk]), {"assessor": assessor.pk}
    )
    assert AssessorAssignment.objects.filter(application=application, assessor=assessor).exists()

    AssessorAssignment.objects.filter(application=application).delete()
    submitted_assignment(application, 6)
    submitted_assignment(application, 8)
    page = client.get(reverse("challenges:manage_application", args=[slug, application.pk]))
    assert "Spread of scores" in page.content.decode()

    first, second = application.phase.criteria.all()
    client.post(
        reverse("challenges:manage_moderate", args=[slug, application.pk]),
        {
            f"score_{first.pk}": "7",
            f"feedback_{first.pk}": "Good idea.",
            f"score_{second.pk}": "7",
            f"feedback_{second.pk}": "Fair price.",
        },
    )
    application.refresh_from_db()
    assert application.consensus_total == 700

    client.post(
        reverse("challenges:manage_decision", args=[slug, application.pk]),
        {"decision": "fund", "reasons": "Best value."},
    )
    application.refresh_from_db()
    assert application.status == "funded"

    listing = client.get(reverse("challenges:manage_applications", args=[slug])).content.decode()
    assert "Funding line" in listing
    assert "£150,000" in listing  # £200,000 envelope less £50,000


def test_buyer_list_query_count(client, mfa_login, django_assert_max_num_queries):
    challenge = assessing(open_challenge())
    phase = challenge.phases.get()
    for score in range(6):
        application = ApplicationFactory(phase=phase, submitted=True)
        moderate(application, score)
        AssessorAssignmentFactory(application=application)
    mfa_login(client, buyer_for(challenge))

    with django_assert_max_num_queries(25):
        response = client.get(reverse("challenges:manage_applications", args=[challenge.slug]))
    assert response.status_code == 200


# --- Dashboards --------------------------------------------------------------------------------


def test_supplier_dashboard_lists_drafts_and_invitations(client, challenge, supplier, person):
    application = ApplicationFactory(phase=challenge.phases.get(), supplier=supplier)
    CompetitionInvitation.objects.create(phase=challenge.phases.get(), supplier=supplier)

    page = client.get("/dashboard/").content.decode()

    assert "Your applications" in page
    assert reverse("challenges:application_tasks", args=[application.pk]) in page
    assert "Invited" in page


def test_assessor_dashboard_shows_progress(client):
    assignment = AssessorAssignmentFactory()
    client.force_login(assignment.assessor)

    page = client.get("/dashboard/").content.decode()

    assert "You have submitted scores for 0 of 1 application" in page
    assert reverse("challenges:assessment_detail", args=[assignment.pk]) in page


def test_open_call_buyer_list_filters_by_assessment_period(client, mfa_login):
    from challenges.models import AssessmentPeriod

    challenge = open_challenge(open_call=True, phase__closes_at=None)
    phase = challenge.phases.get()
    now = timezone.now()
    first = AssessmentPeriod.objects.create(
        phase=phase, number=1, starts_at=now - datetime.timedelta(days=60), ends_at=now
    )
    second = AssessmentPeriod.objects.create(
        phase=phase, number=2, starts_at=now, ends_at=now + datetime.timedelta(days=30)
    )
    early = ApplicationFactory(phase=phase, submitted=True, period=first)
    late = ApplicationFactory(phase=phase, submitted=True, period=second)
    mfa_login(client, buyer_for(challenge))
    url = reverse("challenges:manage_applications", args=[challenge.slug])

    page = client.get(url, {"period": "1"}).content.decode()

    assert early.supplier.display_name in page
    assert late.supplier.display_name not in page


def test_buyer_shortlists_and_marks_not_eligible(client, mfa_login):
    challenge = assessing(open_challenge())
    phase = challenge.phases.get()
    keep = ApplicationFactory(phase=phase, submitted=True)
    drop = ApplicationFactory(phase=phase, submitted=True)
    mfa_login(client, buyer_for(challenge))

    client.post(reverse("challenges:manage_shortlist", args=[challenge.slug, keep.pk]))
    empty = client.post(reverse("challenges:manage_ineligible", args=[challenge.slug, drop.pk]))
    assert "Enter why the application is not eligible" in empty.content.decode()
    client.post(
        reverse("challenges:manage_ineligible", args=[challenge.slug, drop.pk]),
        {"reasons": "Not registered in the UK."},
    )

    keep.refresh_from_db()
    drop.refresh_from_db()
    assert keep.status == "shortlisted"
    assert drop.status == "ineligible"
    assert drop.decision_reasons == "Not registered in the UK."
