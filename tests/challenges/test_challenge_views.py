"""Challenge pages: public list and detail, buyer pages, Q&A; who is refused where."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge, ClarificationQuestion, Phase
from suppliers.models import Capability
from tests.factories.challenges import (
    ChallengeFactory,
    ClarificationQuestionFactory,
    approved_supplier,
    buyer_in,
    open_challenge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(buyer_org):
    return ChallengeFactory(buyer=buyer_org, with_phase=True)


@pytest.fixture
def supplier_user():
    return approved_supplier()[1]


def _private_urls(challenge):
    phase = challenge.phases.get()
    question = ClarificationQuestionFactory(challenge=challenge)
    slug = challenge.slug
    return [
        ("get", reverse("challenges:manage_detail", args=[slug])),
        ("get", reverse("challenges:manage_details", args=[slug])),
        ("get", reverse("challenges:manage_place", args=[slug])),
        ("get", reverse("challenges:manage_phase_add", args=[slug])),
        ("get", reverse("challenges:manage_phase", args=[slug, 1])),
        ("get", reverse("challenges:manage_phase_edit", args=[slug, 1])),
        ("post", reverse("challenges:manage_remove", args=[slug, "phase", phase.pk])),
        ("get", reverse("challenges:manage_document_add", args=[slug])),
        ("post", reverse("challenges:manage_submit", args=[slug])),
        ("post", reverse("challenges:manage_approve", args=[slug])),
        ("get", reverse("challenges:manage_return", args=[slug])),
        ("get", reverse("challenges:manage_cancel", args=[slug])),
        ("get", reverse("challenges:manage_invite", args=[slug])),
        ("get", reverse("challenges:manage_questions", args=[slug])),
        ("get", reverse("challenges:manage_answer", args=[slug, question.pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_private_page(client, draft):
    for method, url in _private_urls(draft) + [("get", reverse("challenges:manage_index"))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"], url


def test_other_buyer_organisation_gets_404_on_every_private_page(
    client, draft, other_buyer, mfa_login
):
    mfa_login(client, other_buyer)
    for method, url in _private_urls(draft):
        assert getattr(client, method)(url).status_code == 404, url
    draft.refresh_from_db()
    assert draft.status == Challenge.Status.DRAFT and draft.phases.count() == 1


def test_suppliers_get_404_on_every_private_page(client, draft, supplier_user):
    client.force_login(supplier_user)
    urls = _private_urls(draft) + [
        ("get", reverse("challenges:manage_index")),
        ("get", reverse("challenges:manage_create")),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_drafts_and_challenges_in_review_are_404_to_the_public(
    client, buyer_org, buyer, other_buyer, supplier_user, mfa_login, status
):
    challenge = ChallengeFactory(buyer=buyer_org, status=status, with_phase=True)
    url = reverse("challenges:detail", args=[challenge.slug])
    assert client.get(url).status_code == 404
    client.force_login(supplier_user)
    assert client.get(url).status_code == 404
    mfa_login(client, other_buyer)
    assert client.get(url).status_code == 404
    assert (
        challenge.title
        not in client.get(reverse("challenges:list") + "?status=any").content.decode()
    )


# --- Public list and detail -----------------------------------------------------------------


def test_list_shows_open_challenges_by_default_sorted_by_closing_date(client, buyer_org):
    now = timezone.now()
    later = open_challenge(title="Closes later", phase__closes_at=now + datetime.timedelta(days=20))
    sooner = open_challenge(
        title="Closes sooner", phase__closes_at=now + datetime.timedelta(days=2)
    )
    ChallengeFactory(title="Still a draft", with_phase=True)
    ChallengeFactory(title="Already closed", closed=True, with_phase=True)
    page = client.get(reverse("challenges:list")).content.decode()
    assert page.index(sooner.title) < page.index(later.title)
    assert "Still a draft" not in page and "Already closed" not in page
    closed = client.get(reverse("challenges:list"), {"status": "closed"}).content.decode()
    assert "Already closed" in closed and "Closes sooner" not in closed


def test_list_filters(client):
    heading = Capability.objects.create(name="Care", slug="v-care")
    falls = Capability.objects.create(name="Falls", slug="v-falls", parent=heading)
    matching = open_challenge(
        title="Falls in Leeds",
        budget_pence=50_000_000,
        procedure=Challenge.Procedure.DESIGN_CONTEST,
    )
    matching.capabilities.set([falls])
    open_challenge(title="Potholes", budget_pence=500_000_000)
    response = client.get(
        reverse("challenges:list"),
        {
            "capability": "v-care",
            "budget_max": "600000",
            "procedure": "design_contest",
            "buyer": matching.buyer.slug,
        },
    )
    page = response.content.decode()
    assert "Falls in Leeds" in page and "Potholes" not in page
    soon = client.get(reverse("challenges:list"), {"closing_soon": "on"}).content.decode()
    assert "Falls in Leeds" not in soon  # closes in 30 days


def test_bad_filter_is_shown_as_an_error_not_a_500(client):
    response = client.get(reverse("challenges:list"), {"budget_min": "NaN", "region": "XX"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose a region from the list" in page


def test_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    cap = Capability.objects.create(name="Falls", slug="q-falls")
    for _ in range(8):
        open_challenge().capabilities.set([cap])
    # Choices 2, count 1, filter counts at most 4 (one per facet: status, procedure, capability,
    # region), ids 1, challenges and their capabilities 2, site settings up to 5; then the
    # default status's own counts without it (count, status facet, one id) 3.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("challenges:list"))
    assert response.content.decode().count("app-search-result") == 8


def test_detail_shows_phases_budget_in_pounds_and_uk_times(client):
    closes = datetime.datetime(2027, 7, 1, 11, 0, tzinfo=datetime.UTC)
    challenge = open_challenge(budget_pence=55_000_000, phase__closes_at=closes)
    page = client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    assert "£550,000" in page
    assert "Phase 1: Feasibility" in page
    assert "1 July 2027 at 12pm" in page  # BST
    assert "£200,000 in total" in page


def test_detail_has_apply_panel_ask_and_watch_for_suppliers(client, supplier_user):
    challenge = open_challenge()
    client.force_login(supplier_user)
    page = client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    assert reverse("challenges:ask", args=[challenge.slug]) in page
    assert "Watch this challenge" in page


def test_supplier_asks_and_a_late_question_keeps_the_typed_text(client, supplier_user):
    challenge = open_challenge(question_deadline=timezone.now() + datetime.timedelta(days=1))
    client.force_login(supplier_user)
    url = reverse("challenges:ask", args=[challenge.slug])
    response = client.post(url, {"question": "Is there a pilot site?"})
    assert response.status_code == 302
    assert ClarificationQuestion.objects.get().question == "Is there a pilot site?"

    Challenge.objects.filter(pk=challenge.pk).update(
        question_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.post(url, {"question": "One more thing?"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The deadline for questions was" in page
    assert "One more thing?" in page
    assert ClarificationQuestion.objects.count() == 1


def test_watch_and_unwatch(client, supplier_user):
    challenge = open_challenge()
    client.force_login(supplier_user)
    url = reverse("challenges:watch", args=[challenge.slug])
    client.post(url)
    assert challenge.watches.filter(user=supplier_user).exists()
    client.post(url, {"action": "unwatch"})
    assert not challenge.watches.exists()


def test_alert_preferences_page(client, supplier_user, buyer, mfa_login):
    client.force_login(supplier_user)
    url = reverse("challenges:alert_preferences")
    assert client.get(url).status_code == 200
    assert client.post(url, {"enabled": "no"}).status_code == 302
    from challenges.services.alerts import alerts_enabled

    assert alerts_enabled(supplier_user) is False
    mfa_login(client, buyer)
    assert client.get(url).status_code == 404


# --- Buyer pages ----------------------------------------------------------------------------

DETAILS_POST = {
    "title": "Fewer falls",
    "summary": "Help us reduce falls.",
    "problem_statement": "Residents fall at night. We want a chatbot.",
    "outcomes_sought": "20% fewer falls",
    "procedure": "sbri",
    "mode": "competition",
    "budget": "100000",
    "contact_name": "Sam",
    "contact_email": "sam@example.gov.uk",
}


def test_buyer_creates_a_challenge_and_sees_the_solution_warning(client, buyer, mfa_login):
    mfa_login(client, buyer)
    response = client.post(reverse("challenges:manage_create"), DETAILS_POST, follow=True)
    challenge = Challenge.objects.get()
    assert challenge.budget_pence == 10_000_000
    page = response.content.decode()
    assert "chatbot" in page and "let suppliers propose" in page


def test_phase_over_budget_is_refused_and_the_form_keeps_what_was_typed(
    client, buyer, buyer_org, mfa_login
):
    challenge = ChallengeFactory(buyer=buyer_org, budget_pence=10_000_000)
    mfa_login(client, buyer)
    response = client.post(
        reverse("challenges:manage_phase_add", args=[challenge.slug]),
        {
            "name": "Feasibility",
            "budget_per_contract": "60000",
            "max_contracts": "2",
            "duration_weeks": "16",
            "opens_on_day": "1",
            "opens_on_month": "3",
            "opens_on_year": "2030",
            "opens_time": "09:00",
            "closes_on_day": "1",
            "closes_on_month": "4",
            "closes_on_year": "2030",
            "closes_time": "12:00",
            "min_assessors": "2",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "£120,000" in page and "more than the challenge budget of £100,000" in page
    assert 'value="60000"' in page and 'value="Feasibility"' in page
    assert not Phase.objects.exists()


def test_weights_not_adding_up_block_sending_for_approval(client, buyer, buyer_org, mfa_login):
    challenge = ChallengeFactory(buyer=buyer_org, with_phase=True)
    challenge.phases.get().criteria.first().delete()  # 40 left
    mfa_login(client, buyer)
    response = client.post(reverse("challenges:manage_submit", args=[challenge.slug]), follow=True)
    assert "add up to 40%: they must add up to 100%" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DRAFT


def test_send_approve_journey(client, buyer, buyer_org, mfa_login, with_totp):
    challenge = ChallengeFactory(buyer=buyer_org, with_phase=True)
    mfa_login(client, buyer)
    client.post(reverse("challenges:manage_submit", args=[challenge.slug]))
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.IN_REVIEW
    # The submitter cannot approve their own challenge.
    client.post(reverse("challenges:manage_approve", args=[challenge.slug]))
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.IN_REVIEW
    second = with_totp(buyer_in(buyer_org))
    mfa_login(client, second)
    page = client.get(reverse("challenges:manage_detail", args=[challenge.slug])).content.decode()
    assert "Approve" in page
    client.post(reverse("challenges:manage_approve", args=[challenge.slug]))
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SCHEDULED


def test_cancel_needs_a_reason_and_keeps_the_page(client, buyer, buyer_org, mfa_login):
    challenge = open_challenge(buyer=buyer_org)
    mfa_login(client, buyer)
    url = reverse("challenges:manage_cancel", args=[challenge.slug])
    assert "Enter why you are cancelling" in client.post(url, {"text": ""}).content.decode()
    client.post(url, {"text": "Budget withdrawn"})
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CANCELLED
    assert (
        "Budget withdrawn"
        in client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    )


def test_answer_and_publish_from_the_inbox(client, buyer, buyer_org, mfa_login):
    challenge = open_challenge(buyer=buyer_org)
    question = ClarificationQuestionFactory(challenge=challenge, question="Pilot site?")
    mfa_login(client, buyer)
    inbox = client.get(
        reverse("challenges:manage_questions", args=[challenge.slug])
    ).content.decode()
    assert "Pilot site?" in inbox
    client.post(
        reverse("challenges:manage_answer", args=[challenge.slug, question.pk]),
        {"answer": "Yes, in Leeds", "publish": "yes"},
    )
    question.refresh_from_db()
    assert question.status == ClarificationQuestion.Status.PUBLISHED


def test_invite_from_suggestions_and_from_the_profile(client, buyer, buyer_org, mfa_login):
    challenge = open_challenge(buyer=buyer_org)
    profile, _ = approved_supplier(summary="We stop falls in care homes at night.")
    mfa_login(client, buyer)
    page = client.get(reverse("challenges:manage_invite", args=[challenge.slug])).content.decode()
    assert profile.display_name in page
    phase = challenge.phases.get()
    client.post(
        reverse("challenges:manage_invite", args=[challenge.slug]),
        {"supplier": [profile.slug], "phase": phase.pk, "message": ""},
    )
    assert phase.invitations.filter(supplier=profile).exists()

    other = approved_supplier()[0]
    profile_page = client.get(reverse("suppliers:detail", args=[other.slug])).content.decode()
    assert "Invite to a challenge" in profile_page
    client.post(reverse("challenges:invite_supplier", args=[other.slug]), {"phase": phase.pk})
    assert phase.invitations.filter(supplier=other).exists()


def test_invite_button_hidden_from_suppliers_and_anonymous(client, supplier_user):
    other = approved_supplier()[0]
    url = reverse("suppliers:detail", args=[other.slug])
    assert "Invite to a challenge" not in client.get(url).content.decode()
    client.force_login(supplier_user)
    assert "Invite to a challenge" not in client.get(url).content.decode()


def test_invited_supplier_sees_invited_on_the_challenge(client, buyer_org):
    challenge = open_challenge(buyer=buyer_org)
    profile, user = approved_supplier()
    challenge.phases.get().invitations.create(supplier=profile)
    client.force_login(user)
    page = client.get(reverse("challenges:detail", args=[challenge.slug])).content.decode()
    assert "Invited to phase 1" in page


# --- What the app contributes to the site ---------------------------------------------------


def test_home_section_lists_the_latest_open_challenges(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from marketplace.core.registry import HomeSection, shown

    open_challenge(title="Newest open challenge")
    ChallengeFactory(title="A draft nobody sees", with_phase=True)
    request = rf.get("/")
    request.user = AnonymousUser()
    [section] = [s for s in shown(HomeSection, request) if s.item.key == "challenges.latest_open"]
    html = render_to_string(section.item.template, section.context, request=request)
    assert "Latest open challenges" in html
    assert "Newest open challenge" in html and "A draft nobody sees" not in html


def test_navigation_has_challenges():
    from marketplace.core.registry import NavItem, contributions

    [item] = [i for i in contributions(NavItem) if i.key == "challenges"]
    assert reverse(item.url_name) == "/challenges/"


def test_buyer_dashboard_panel_shows_challenges_and_next_steps(client, buyer, buyer_org, mfa_login):
    ChallengeFactory(buyer=buyer_org, title="My draft challenge")
    mfa_login(client, buyer)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "My draft challenge" in page
    assert "Finish the challenge and send it for approval" in page


def test_supplier_dashboard_has_no_buyer_panel(client, supplier_user):
    client.force_login(supplier_user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Create a challenge" not in page


def test_home_section_follows_the_home_page_heading_and_count(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from marketplace.core.registry import HomeSection, shown

    for n in range(3):
        open_challenge(title=f"Open challenge number {n}")
    request = rf.get("/")
    request.user = AnonymousUser()
    [section] = [s for s in shown(HomeSection, request) if s.item.key == "challenges.latest_open"]
    page = {"challenges_heading": "Open right now", "challenges_count": 1}
    html = render_to_string(section.item.template, {**section.context, "page": page})
    assert "Open right now" in html
    assert html.count("Open challenge number") == 1
    hidden = {"challenges_heading": "Open right now", "challenges_count": 0}
    assert "Open right now" not in render_to_string(
        section.item.template, {**section.context, "page": hidden}
    )


def test_buyers_can_invite_from_the_directory_with_one_check_per_page(
    client, buyer, supplier_user, mfa_login
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = approved_supplier()[0]
    directory = reverse("suppliers:directory")
    invite_link = reverse("challenges:invite_supplier", args=[first.slug])

    assert invite_link not in client.get(directory).content.decode()
    client.force_login(supplier_user)
    assert invite_link not in client.get(directory).content.decode()

    mfa_login(client, buyer)
    assert invite_link in client.get(directory).content.decode()
    with CaptureQueriesContext(connection) as few:
        before = client.get(directory).content.decode().count("Invite to a challenge<span")
    approved_supplier()
    approved_supplier()
    with CaptureQueriesContext(connection) as more:
        page = client.get(directory).content.decode()
    assert page.count("Invite to a challenge<span") == before + 2
    assert len(more) == len(few)
