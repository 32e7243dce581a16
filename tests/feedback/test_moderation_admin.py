"""The moderation queue in Wagtail admin: guidelines beside each review, the organisation shown
(never the reviewer's name), and decisions through the services."""

import pytest
from django.core import mail
from django.urls import reverse

from feedback.models import Review, ReviewReply
from marketplace.accounts.models import Role
from tests.conftest import _with_totp, mfa_login
from tests.factories import MembershipFactory, UserFactory
from tests.factories.feedback import ReviewFactory, ReviewReplyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    _with_totp(staff)
    mfa_login(client, staff)
    return client


def test_the_queue_lists_reviews_and_replies_with_disputes_flagged(admin_client):
    author = UserFactory(full_name="Priya Unshown", email="priya.unshown@example.org")
    review = ReviewFactory(author=author)
    disputed = ReviewFactory()
    Review.objects.filter(pk=disputed.pk).update(
        disputed_at=disputed.submitted_at, dispute_reason="Wrong contract"
    )
    reply = ReviewReplyFactory()
    html = admin_client.get(reverse("feedback_moderation:index")).content.decode()
    assert review.supplier.display_name in html
    assert review.reviewer_organisation.name in html
    assert "Disputed by the supplier" in html
    assert reverse("feedback_moderation:reply", args=[reply.pk]) in html
    page = admin_client.get(reverse("feedback_moderation:review", args=[review.pk]))
    text = page.content.decode()
    assert "Community guidelines" in text
    assert review.reviewer_organisation.name in text
    assert "Unshown" not in text and "priya.unshown" not in text


def test_publish_reject_and_request_edit_from_the_screen(
    admin_client, django_capture_on_commit_callbacks
):
    author = UserFactory()
    published, rejected, edited = (ReviewFactory(author=author) for _ in range(3))
    url = lambda review: reverse("feedback_moderation:review", args=[review.pk])  # noqa: E731
    assert admin_client.post(url(published), {"action": "publish"}).status_code == 302
    # A reason is needed to reject: the form says so, nothing changes.
    response = admin_client.post(url(rejected), {"action": "reject", "reason": ""})
    assert response.status_code == 200
    assert "Enter a reason" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url(rejected), {"action": "reject", "reason": "Names a person"})
        admin_client.post(url(edited), {"action": "request_edit", "reason": "Remove the price"})
    statuses = dict(Review.objects.values_list("pk", "status"))
    assert statuses == {
        published.pk: Review.Status.PUBLISHED,
        rejected.pk: Review.Status.REJECTED,
        edited.pk: Review.Status.CHANGES_REQUESTED,
    }
    assert {
        m.body.count("Names a person") + m.body.count("Remove the price") for m in mail.outbox
    } == {1}
    assert all(m.to == [author.email] for m in mail.outbox)


def test_reply_moderation(admin_client):
    reply = ReviewReplyFactory()
    url = reverse("feedback_moderation:reply", args=[reply.pk])
    assert admin_client.post(url, {"action": "publish"}).status_code == 302
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.PUBLISHED


def test_people_who_are_not_platform_admins_cannot_moderate(client):
    review = ReviewFactory()
    url = reverse("feedback_moderation:review", args=[review.pk])
    assert client.get(url).status_code == 302
    buyer = MembershipFactory(organisation=review.reviewer_organisation, role=Role.BUYER).user
    _with_totp(buyer)
    mfa_login(client, buyer)
    response = client.post(url, {"action": "publish"})
    assert response.status_code in (302, 403)
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED


def test_staff_see_the_queue_count_on_their_dashboard(admin_client):
    ReviewFactory()
    ReviewReplyFactory()
    html = admin_client.get("/dashboard/").content.decode()
    assert "Reviews and replies to moderate" in html
