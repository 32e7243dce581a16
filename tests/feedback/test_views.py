"""Pages: who may see and do what, bad input, escaping, and that the confidential note never
appears on any page or API response."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Milestone
from feedback.models import ProcessFeedback, Review, ReviewReply
from marketplace.accounts.models import Organisation, Role
from tests.conftest import _with_totp
from tests.conftest import mfa_login as _mfa_login
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.challenges import open_challenge
from tests.factories.contracts import MilestoneFactory
from tests.factories.feedback import ReviewFactory, ReviewReplyFactory, process_feedback_for

pytestmark = pytest.mark.django_db

SECRET = "CONFIDENTIAL-7f3a: the project lead left halfway through"
SCRIPT = "<script>alert('x')</script>"


def mfa_login(client, user):
    """Sign in through both factors (buyers, commissioners and staff must have one)."""
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user).exists():
        _with_totp(user)
    return _mfa_login(client, user)


def _other_buyer():
    org = OrganisationFactory(kind=Organisation.Kind.BUYER)
    return MembershipFactory(organisation=org, role=Role.BUYER).user


def _competing_supplier():
    return MembershipFactory(role=Role.SUPPLIER_ADMIN).user


def _post_review(client, contract, milestone, **overrides):
    data = {
        "delivery": "5",
        "quality": "4",
        "value": "4",
        "communication": "5",
        "would_work_again": "yes",
        "comment": "Good work",
        "confidential_note": "",
        **overrides,
    }
    url = reverse("feedback:review_milestone", args=[contract.reference, milestone.pk])
    return client.post(url, data)


def test_the_buyer_writes_a_review_from_the_form(client, contract, milestone, buyer):
    mfa_login(client, buyer)
    url = reverse("feedback:review_milestone", args=[contract.reference, milestone.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Community guidelines" in page.content.decode()
    response = _post_review(client, contract, milestone, confidential_note=SECRET)
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.author == buyer
    assert review.confidential_note == SECRET


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"delivery": "9"}, "Select a valid choice"),
        ({"delivery": ""}, "Choose a rating"),
        ({"comment": ""}, "Enter a public comment"),
        ({"comment": "x" * 5000}, "at most 2000"),
        ({"would_work_again": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_not_a_500(client, contract, milestone, buyer, overrides, message):
    mfa_login(client, buyer)
    response = _post_review(client, contract, milestone, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_a_second_review_of_the_stage_shows_the_error(client, contract, milestone, buyer):
    ReviewFactory(milestone=milestone)
    mfa_login(client, buyer)
    response = _post_review(client, contract, milestone)
    assert "already been reviewed" in response.content.decode()


def test_a_review_of_a_milestone_not_met_is_refused(client, contract, buyer):
    scheduled = MilestoneFactory(contract=contract, status=Milestone.Status.SCHEDULED)
    mfa_login(client, buyer)
    response = _post_review(client, contract, scheduled)
    assert "once this milestone is met" in response.content.decode()
    assert not Review.objects.exists()


def test_who_cannot_open_the_review_form(client, contract, milestone, supplier_admin):
    url = reverse("feedback:review_milestone", args=[contract.reference, milestone.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in
    for user in (_other_buyer(), supplier_admin, _competing_supplier()):
        mfa_login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    assert client.get(reverse("feedback:review_contract", args=["NOPE"])).status_code == 404


def test_edit_is_for_the_authoring_organisation_only(client, buyer, supplier_admin, milestone):
    review = ReviewFactory(milestone=milestone, author=buyer, confidential_note=SECRET)
    url = reverse("feedback:review_edit", args=[review.pk])
    assert client.get(url).status_code == 302
    for user in (_other_buyer(), supplier_admin):
        mfa_login(client, user)
        assert client.get(url).status_code == 404
    mfa_login(client, buyer)
    page = client.get(url)
    assert page.status_code == 200
    assert SECRET not in page.content.decode()


def test_reply_and_dispute_are_for_the_supplier_admin_only(
    client, buyer, milestone, supplier_admin
):
    review = ReviewFactory(milestone=milestone, published=True)
    for name in ("review_reply", "review_dispute"):
        url = reverse(f"feedback:{name}", args=[review.pk])
        assert client.get(url).status_code == 302
        for user in (buyer, _other_buyer(), _competing_supplier()):
            mfa_login(client, user)
            assert client.get(url).status_code == 404
        client.logout()
    mfa_login(client, supplier_admin)
    url = reverse("feedback:review_reply", args=[review.pk])
    assert client.post(url, {"text": "Thanks"}).status_code == 302
    assert ReviewReply.objects.get().status == ReviewReply.Status.SUBMITTED
    url = reverse("feedback:review_dispute", args=[review.pk])
    assert client.post(url, {"reason": ""}).status_code == 200


def test_the_public_reviews_page_escapes_html_and_hides_what_is_not_published(client, milestone):
    review = ReviewFactory(
        milestone=milestone, published=True, comment=f"Great {SCRIPT}", confidential_note=SECRET
    )
    ReviewReplyFactory(
        review=review,
        status=ReviewReply.Status.PUBLISHED,
        published_at=timezone.now(),
        text=f"Thanks {SCRIPT}",
    )
    waiting = ReviewFactory(
        milestone=MilestoneFactory(contract=milestone.contract, status=Milestone.Status.MET),
        comment="Not yet moderated",
    )
    html = client.get(
        reverse("feedback:supplier_reviews", args=[review.supplier.slug])
    ).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Reply from" in html
    assert waiting.comment not in html
    assert SECRET not in html
    assert review.reviewer_organisation.name in html


def test_an_unapproved_supplier_has_no_public_reviews_page(client):
    from tests.factories.suppliers import SupplierProfileFactory

    draft = SupplierProfileFactory()
    assert client.get(reverse("feedback:supplier_reviews", args=[draft.slug])).status_code == 404


def test_buyer_feedback_page_shows_aggregates_only_from_five(client):
    challenge = open_challenge()
    url = reverse("feedback:buyer_feedback", args=[challenge.buyer.slug])
    process_feedback_for(challenge, 4)
    assert "Not enough suppliers" in client.get(url).content.decode()
    process_feedback_for(challenge, 1)
    html = client.get(url).content.decode()
    assert 'id="buyer-aggregates"' in html
    assert "Not enough suppliers" not in html


def test_process_feedback_form_for_decided_applicants_only(client):
    challenge = open_challenge()
    application = ApplicationFactory(
        phase=challenge.phases.get(number=1), submitted=True, status="unfunded"
    )
    admin = MembershipFactory(
        organisation=application.supplier.organisation, role=Role.SUPPLIER_ADMIN
    ).user
    url = reverse("feedback:process_feedback", args=[challenge.slug])
    assert client.get(url).status_code == 302
    for user in (_competing_supplier(), _other_buyer()):
        mfa_login(client, user)
        assert client.get(url).status_code == 404
    mfa_login(client, admin)
    data = {
        "clarity": "4",
        "assessment_fairness": "5",
        "assessment_speed": "3",
        "feedback_quality": "4",
    }
    assert client.post(url, {**data, "clarity": "nan"}).status_code == 200
    assert client.post(url, data).status_code == 302
    assert ProcessFeedback.objects.get().payment_speed is None


def test_debrief_useful(client):
    challenge = open_challenge()
    application = ApplicationFactory(
        phase=challenge.phases.get(number=1), submitted=True, status="unfunded"
    )
    phase = application.phase
    phase.feedback_released_at = timezone.now()
    phase.save()
    admin = MembershipFactory(
        organisation=application.supplier.organisation, role=Role.SUPPLIER_ADMIN
    ).user
    url = reverse("feedback:debrief_useful", args=[application.pk])
    assert client.post(url, {"useful": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.feedback_useful is None  # anonymous was sent to sign in
    mfa_login(client, _competing_supplier())
    assert client.post(url, {"useful": "yes"}).status_code == 404
    mfa_login(client, admin)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Was this feedback useful?" in dashboard
    assert "buying process" in dashboard
    assert client.get(url).status_code == 405
    assert client.post(url, {"useful": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.feedback_useful is True


def test_confidential_note_never_appears_on_any_page_or_api(
    client, buyer, supplier_admin, milestone, staff
):
    review = ReviewFactory(
        milestone=milestone, published=True, author=buyer, confidential_note=SECRET
    )
    ReviewReplyFactory(review=review)
    pending = ReviewFactory(
        milestone=MilestoneFactory(contract=milestone.contract, status=Milestone.Status.MET),
        author=buyer,
        confidential_note=SECRET,
    )
    supplier = review.supplier
    public = [
        reverse("suppliers:detail", args=[supplier.slug]),
        reverse("feedback:supplier_reviews", args=[supplier.slug]),
        f"/api/v1/suppliers/{supplier.pk}/reviews",
        f"/api/v1/suppliers/{supplier.pk}",
        "/api/v1/suppliers",
        f"/api/v1/buyers/{review.reviewer_organisation_id}/feedback",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    for user, urls in (
        (
            buyer,
            [
                "/dashboard/",
                reverse("feedback:my_reviews"),
                reverse("feedback:review_edit", args=[pending.pk]),
                *public,
            ],
        ),
        (
            supplier_admin,
            [
                "/dashboard/",
                reverse("feedback:my_reviews"),
                reverse("feedback:review_reply", args=[pending.pk]),
                reverse("feedback:review_dispute", args=[pending.pk]),
                *public,
            ],
        ),
    ):
        mfa_login(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert SECRET not in response.content.decode(), url
    # Only the platform's moderators read it.
    mfa_login(client, staff)
    response = client.get(reverse("feedback_moderation:review", args=[pending.pk]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()


def test_the_supplier_profile_shows_the_rating_and_links_to_the_reviews(client, milestone):
    review = ReviewFactory(milestone=milestone, published=True, delivery=5)
    html = client.get(reverse("suppliers:detail", args=[review.supplier.slug])).content.decode()
    assert 'id="supplier-rating"' in html
    assert "from 1 verified review" in html
    assert reverse("feedback:supplier_reviews", args=[review.supplier.slug]) in html


def test_the_profile_reviews_slot_shows_recent_reviews_with_replies(rf, milestone):
    from django.template import Context, Template

    review = ReviewFactory(milestone=milestone, published=True, comment=f"Fine {SCRIPT}")
    ReviewReplyFactory(
        review=review,
        status=ReviewReply.Status.PUBLISHED,
        published_at=timezone.now(),
        text="Our reply",
    )
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    template = Template(
        '{% load marketplace_core %}{% page_actions "supplier_profile_reviews" p %}'
    )
    html = template.render(Context({"p": review.supplier, "request": request}))
    assert "Reviews from buyers" in html
    assert "Our reply" in html
    assert SCRIPT not in html
