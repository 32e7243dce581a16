"""The challenge journey from the issue's "Done when", in a real browser.

A buyer drafts a two-phase challenge through the pages, a second buyer approves it and it opens;
two suppliers ask questions and one is published; three suppliers apply; assessors score with
one conflict declared; the buyer moderates and funds two; feedback is released; phase 2 opens to
the two funded suppliers only.

Every kind of action goes through the browser at least once. Repeats (the second and third
applications, the second assessor's scores) go through the same services the pages call, to keep
the test quick. Opening is what Celery beat does, so the test calls beat's service.
"""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect

from challenges.models import (
    Application,
    AssessorAssignment,
    Challenge,
    ClarificationQuestion,
    CompetitionInvitation,
)
from challenges.services import applications, assessment, clarifications, decisions, lifecycle
from marketplace.accounts.models import Role
from tests.e2e.conftest import _new_page, sign_in
from tests.factories import MembershipFactory
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.challenges import approved_supplier, open_challenge

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TITLE = "Reducing falls among older people living at home"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_page(browser, live_server):
    """Open another signed-out browser (each person in the journey has their own)."""
    contexts = []

    def open_one():
        context, page = _new_page(browser, live_server, viewport={"width": 1024, "height": 800})
        contexts.append(context)
        return page

    yield open_one
    for context in contexts:
        context.close()


def _buyer(organisation, email):
    membership = MembershipFactory(
        role=Role.BUYER, organisation=organisation, user__email=email, user__full_name=email
    )
    TOTP.activate(membership.user, SECRET)
    return membership.user


def _fill(page, values: dict) -> None:
    for name, value in values.items():
        page.locator(f'[name="{name}"]').fill(str(value))


def _date(prefix: str, when: datetime.date) -> dict:
    return {f"{prefix}_day": when.day, f"{prefix}_month": when.month, f"{prefix}_year": when.year}


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_challenge_from_draft_to_phase_two(page, open_page):
    leeds = MembershipFactory(
        role=Role.ASSESSOR, organisation__name="Leeds City Council", organisation__kind="buyer"
    ).organisation
    assessor_1 = MembershipFactory(
        role=Role.ASSESSOR, organisation=leeds, user__full_name="Helen Carter"
    ).user
    assessor_2 = MembershipFactory(
        role=Role.ASSESSOR, organisation=leeds, user__full_name="Ruth Bennett"
    ).user
    drafter = _buyer(leeds, "priya@leeds.example.gov.uk")
    approver = _buyer(leeds, "mark@leeds.example.gov.uk")
    suppliers = [
        approved_supplier(legal_name=name) for name in ("Able Ltd", "Brisk Ltd", "Calm Ltd")
    ]
    today = timezone.localdate()

    # 1. The buyer drafts a two-phase challenge through the pages.
    sign_in(page, drafter.email, DEFAULT_PASSWORD, totp_secret=SECRET)
    page.wait_for_url("**/dashboard/")
    page.goto("/challenges/manage/new/")
    _fill(
        page,
        {
            "title": TITLE,
            "summary": "Help older people stay on their feet at home.",
            "problem_statement": "Around 1 in 3 people over 65 fall each year, mostly at home.",
            "outcomes_sought": "20% fewer repeat falls within 18 months.",
            "budget": "600000",
            "contact_name": "Priya Shah",
            "contact_email": "priya@leeds.example.gov.uk",
        },
    )
    page.check('input[name="procedure"][value="sbri"]')
    page.check('input[name="mode"][value="competition"]')
    _click(page, "Save and continue")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    challenge = Challenge.objects.get(title=TITLE)
    for number, name, budget, contracts in (
        (1, "Feasibility", 50000, 4),
        (2, "Prototype", 200000, 2),
    ):
        page.goto(f"/challenges/manage/{challenge.slug}/phases/new/")
        _fill(
            page,
            {
                "name": name,
                "budget_per_contract": budget,
                "max_contracts": contracts,
                "duration_weeks": 13 if number == 1 else 52,
                **(_date("opens_on", today) if number == 1 else {}),
                "opens_time": "00:00",
                **(_date("closes_on", today + datetime.timedelta(days=30)) if number == 1 else {}),
                "min_assessors": 1,
            },
        )
        if number == 2:
            page.locator('[name="opens_time"]').fill("")
        _click(page, "Save and continue")
        page.wait_for_url(f"**/phases/{number}/")
        _fill(page, {"criterion-title": "Quality of the approach", "criterion-weight": 100})
        _click(page, "Add criterion")
        expect(page.get_by_text("They add up to 100% now")).to_be_visible()
        _fill(
            page,
            {"question-text": "How would you approach this problem?", "question-word_limit": 300},
        )
        _click(page, "Add question")
        expect(page.get_by_text("How would you approach this problem? (300 words)")).to_be_visible()
    page.goto(f"/challenges/manage/{challenge.slug}/")
    _click(page, "Send for approval")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent for approval")

    # 2. A second buyer approves it; beat opens it.
    second = open_page()
    sign_in(second, approver.email, DEFAULT_PASSWORD, totp_secret=SECRET)
    second.wait_for_url("**/dashboard/")
    second.goto(f"/challenges/manage/{challenge.slug}/")
    _click(second, "Approve")
    expect(second.locator(".govuk-notification-banner")).to_contain_text("approved")
    lifecycle.challenge_open(challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN

    # 3. Two suppliers ask questions; the buyer publishes an answer to one.
    (able, able_user), (brisk, brisk_user), (calm, calm_user) = suppliers
    supplier_page = open_page()
    sign_in(supplier_page, able_user.email, DEFAULT_PASSWORD)
    supplier_page.goto(f"/challenges/{challenge.slug}/ask/")
    supplier_page.get_by_label("Your question").fill("Can we see the falls data by ward?")
    _click(supplier_page, "Send question")
    expect(supplier_page.locator(".govuk-notification-banner")).to_be_visible()
    clarifications.clarification_ask(
        challenge=challenge, by=brisk_user, question="Can phase 1 include a home trial?"
    )
    asked = ClarificationQuestion.objects.get(question__startswith="Can we see the falls data")
    page.goto(f"/challenges/manage/{challenge.slug}/questions/{asked.pk}/")
    page.get_by_label("Your answer").fill("Yes: anonymised falls call-outs by ward for 3 years.")
    page.check('input[name="publish"][value="yes"]')
    _click(page, "Send answer")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    supplier_page.goto(f"/challenges/{challenge.slug}/")
    expect(supplier_page.get_by_text("anonymised falls call-outs by ward")).to_be_visible()
    expect(supplier_page.get_by_text("Can phase 1 include a home trial?")).to_have_count(0)

    # 4. Three suppliers apply: the first through the pages.
    _click(supplier_page, "Start your application")
    supplier_page.wait_for_url("**/applications/*/")
    supplier_page.get_by_role("link", name="How would you approach this problem?").click()
    supplier_page.locator('[name="answer"]').fill("We would visit homes with the falls team.")
    _click(supplier_page, "Save and return to your application")
    supplier_page.get_by_role("link", name="Eligibility and declarations").click()
    supplier_page.get_by_label("We meet the eligibility criteria", exact=False).check()
    supplier_page.get_by_label("The information in this application is true", exact=False).check()
    _click(supplier_page, "Save and return to your application")
    supplier_page.get_by_role("link", name="Check your answers").click()
    _click(supplier_page, "Submit application")
    expect(supplier_page.get_by_role("heading", level=1)).to_contain_text("submitted")
    phase_1 = challenge.phases.get(number=1)
    for supplier, user in ((brisk, brisk_user), (calm, calm_user)):
        application = applications.application_start(phase=phase_1, supplier=supplier, by=user)
        applications.application_save_answers(
            application=application,
            by=user,
            answers={phase_1.questions.get().pk: "A two-week discovery, then a trial."},
        )
        applications.application_declare(
            application=application,
            by=user,
            eligibility_confirmed=True,
            declarations_confirmed=True,
        )
        applications.application_submit(application=application, by=user)
    assert phase_1.applications.filter(status=Application.Status.SUBMITTED).count() == 3

    # 5. Beat closes it; the buyer starts the assessment and assigns assessors.
    lifecycle.challenge_close(challenge=challenge)
    page.goto(f"/challenges/manage/{challenge.slug}/applications/")
    _click(page, "Start the assessment")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assessment started")
    by_supplier = {a.supplier_id: a for a in phase_1.applications.all()}
    page.goto(f"/challenges/manage/{challenge.slug}/applications/{by_supplier[able.pk].pk}/")
    page.get_by_label("Assessor").select_option(label=f"{assessor_1} ({assessor_1.email})")
    _click(page, "Assign assessor")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    for supplier in (brisk, calm):
        assessment.assignment_create(
            application=by_supplier[supplier.pk], assessor=assessor_1, by=drafter
        )
    for supplier in (able, brisk, calm):
        assessment.assignment_create(
            application=by_supplier[supplier.pk], assessor=assessor_2, by=drafter
        )

    # 6. The first assessor scores one application and declares a conflict on another.
    assessor_page = open_page()
    sign_in(assessor_page, assessor_1.email, DEFAULT_PASSWORD)
    own = AssessorAssignment.objects.get(assessor=assessor_1, application=by_supplier[able.pk])
    assessor_page.goto(f"/assessments/{own.pk}/")
    assessor_page.check('input[name="has_conflict"][value="no"]')
    _click(assessor_page, "Continue")
    assessor_page.get_by_role("link", name="Score this application").click()
    criterion = phase_1.criteria.get()
    _fill(assessor_page, {f"score_{criterion.pk}": 8, f"comment_{criterion.pk}": "Clear plan."})
    _click(assessor_page, "Submit scores")
    expect(assessor_page.locator(".govuk-notification-banner")).to_contain_text("Scores submitted")
    conflicted = AssessorAssignment.objects.get(
        assessor=assessor_1, application=by_supplier[calm.pk]
    )
    assessor_page.goto(f"/assessments/{conflicted.pk}/")
    assessor_page.check('input[name="has_conflict"][value="yes"]')
    assessor_page.locator('[name="details"]').fill("I used to work for Calm Ltd.")
    _click(assessor_page, "Continue")
    expect(assessor_page.get_by_text("You cannot score this application")).to_be_visible()
    # The rest of the scores, as the other assessors would enter them.
    for assignment in AssessorAssignment.objects.filter(
        status=AssessorAssignment.Status.ASSIGNED
    ).select_related("assessor", "application"):
        assessment.assignment_declare_no_conflict(assignment=assignment, by=assignment.assessor)
        mark = {able.pk: 7, brisk.pk: 6, calm.pk: 4}[assignment.application.supplier_id]
        assessment.scores_save(
            assignment=assignment, by=assignment.assessor, scores={criterion.pk: (mark, "Fine.")}
        )
        assessment.assignment_submit_scores(assignment=assignment, by=assignment.assessor)

    # 7. The buyer moderates and funds two; one is declined.
    page.goto(f"/challenges/manage/{challenge.slug}/applications/{by_supplier[able.pk].pk}/")
    _fill(page, {f"score_{criterion.pk}": 8, f"feedback_{criterion.pk}": "A clear, tested plan."})
    _click(page, "Record consensus scores")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.check('input[name="decision"][value="fund"]')
    page.get_by_label("Reasons", exact=True).fill("The strongest plan, within budget.")
    _click(page, "Record decision")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    for supplier, mark, decision in ((brisk, 6, "fund"), (calm, 4, "decline")):
        application = by_supplier[supplier.pk]
        assessment.consensus_record(
            application=application,
            by=drafter,
            scores={criterion.pk: (mark, "Feedback for the applicant.", "")},
        )
        decisions.application_decide(
            application=application, by=drafter, decision=decision, reasons="Scored as it did."
        )
    page.goto(f"/challenges/manage/{challenge.slug}/applications/")
    _click(page, "Confirm funding decisions")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # 8. Feedback is released to every applicant; phase 2 opens to the two funded suppliers.
    _click(page, "Release feedback to every applicant")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.get_by_role("button", name="Open phase 2 to funded suppliers").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    challenge.refresh_from_db()
    assert (challenge.status, challenge.current_phase_number) == (Challenge.Status.OPEN, 2)
    invited = set(
        CompetitionInvitation.objects.filter(phase__number=2).values_list("supplier", flat=True)
    )
    assert invited == {able.pk, brisk.pk}

    supplier_page.goto(f"/applications/{by_supplier[able.pk].pk}/feedback/")
    expect(supplier_page.get_by_text("A clear, tested plan.")).to_be_visible()
    supplier_page.goto(f"/challenges/{challenge.slug}/")
    _click(supplier_page, "Start your application")
    supplier_page.wait_for_url("**/applications/*/")
    assert Application.objects.filter(phase__number=2, supplier=able).exists()

    # The declined supplier cannot enter phase 2.
    declined = open_page()
    sign_in(declined, calm_user.email, DEFAULT_PASSWORD)
    declined.goto(f"/challenges/{challenge.slug}/")
    expect(declined.get_by_role("button", name="Start your application")).to_have_count(0)
    assert not Application.objects.filter(phase__number=2, supplier=calm).exists()


@pytest.mark.parametrize("path", ["/challenges/", "/challenges/{slug}/"])
def test_challenge_pages_have_no_serious_accessibility_violations(page, axe, path):
    challenge = open_challenge(title=TITLE)
    response = page.goto(path.format(slug=challenge.slug))
    assert response.status == 200
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
