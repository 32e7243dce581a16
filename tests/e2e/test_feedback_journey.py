"""The feedback journey from the issue's "Done when", in a real browser.

A milestone is met (the contracts event), the buyer gets a review task and writes the review;
a platform admin publishes it in the Wagtail moderation queue; the supplier replies and the
admin publishes the reply; the public profile shows the rating, and the reviews page both the
review and the reply.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from playwright.sync_api import expect

from contracts.models import Contract
from contracts.signals import milestone_met
from feedback.models import Review, ReviewReply
from marketplace.accounts.models import Role
from tests.e2e.conftest import _new_page, sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.feedback import met_milestone

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
COMMENT = "Delivered the discovery report on time and tested it with residents in two wards."
REPLY = "Thank you: the ward teams made the testing possible."

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_one():
        context, page = _new_page(browser, live_server, viewport={"width": 1024, "height": 800})
        contexts.append(context)
        return page

    yield open_one
    for context in contexts:
        context.close()


def _moderate(page, link_name: str) -> None:
    page.goto("/cms/feedback/")
    page.get_by_role("link", name=link_name).first.click()
    expect(page.get_by_text("Community guidelines")).to_be_visible()
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("published", exact=False).first).to_be_visible()


def test_buyer_reviews_admin_publishes_supplier_replies_profile_shows_both(open_page):
    milestone = met_milestone(title="Discovery report")
    contract = milestone.contract
    supplier = contract.supplier
    buyer = MembershipFactory(
        organisation=contract.buyer, role=Role.BUYER, user__email="owner@leeds.example"
    ).user
    TOTP.activate(buyer, SECRET)
    Contract.objects.filter(pk=contract.pk).update(owner=buyer)
    supplier_admin = MembershipFactory(
        organisation=supplier.organisation,
        role=Role.SUPPLIER_ADMIN,
        user__email="admin@supplier.example",
    ).user
    staff = UserFactory(email="moderator@platform.example", is_staff=True, is_superuser=True)
    TOTP.activate(staff, SECRET)

    # The contracts service sends this after the claim approval commits.
    milestone_met.send(sender=type(milestone), milestone=milestone, by=None)
    assert mail.outbox[-1].to == [buyer.email]

    # The buyer follows the dashboard task and writes the review.
    page = open_page()
    sign_in(page, buyer.email, DEFAULT_PASSWORD, SECRET)
    page.goto("/dashboard/")
    page.get_by_role("link", name=f"Review {supplier.display_name} for “Discovery report”").click()
    for field, stars in (("delivery", 5), ("quality", 4), ("value", 4), ("communication", 5)):
        page.locator(f'input[name="{field}"][value="{stars}"]').check()
    page.locator('input[name="would_work_again"][value="yes"]').check()
    page.get_by_label("Public comment").fill(COMMENT)
    page.get_by_label("Confidential note", exact=False).fill("Their lead left mid-way.")
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_text("Review sent")).to_be_visible()
    review = Review.objects.get()
    assert review.status == Review.Status.SUBMITTED
    # The supplier was told before publication.
    assert supplier_admin.email in [m.to[0] for m in mail.outbox]

    # A platform admin publishes it from the moderation queue.
    admin = open_page()
    sign_in(admin, staff.email, DEFAULT_PASSWORD, SECRET)
    _moderate(admin, supplier.display_name)
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED

    # The supplier replies once.
    supplier_page = open_page()
    sign_in(supplier_page, supplier_admin.email, DEFAULT_PASSWORD)
    supplier_page.goto("/reviews/")
    supplier_page.get_by_role("link", name="Reply", exact=False).first.click()
    supplier_page.get_by_label("Your public reply").fill(REPLY)
    supplier_page.get_by_role("button", name="Send reply").click()
    expect(supplier_page.get_by_text("Reply sent")).to_be_visible()

    _moderate(admin, supplier.display_name)
    assert ReviewReply.objects.get().status == ReviewReply.Status.PUBLISHED

    # The public profile shows the rating; its reviews page shows the review and the reply.
    public = open_page()
    public.goto(f"/suppliers/{supplier.slug}/")
    expect(public.locator("#supplier-rating")).to_contain_text("out of 5 from 1 verified review")
    public.get_by_role("link", name="Read reviews and delivery record").click()
    expect(public.get_by_text(COMMENT)).to_be_visible()
    expect(public.get_by_text(REPLY)).to_be_visible()
    expect(public.get_by_text(contract.buyer.name).first).to_be_visible()
    assert "lead left" not in public.content()
