"""Only the contracting buyer reviews, once per stage, within the rules; moderation states."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.models import Contract, Milestone
from feedback.models import Review, ReviewReply
from feedback.services import reviews as services
from marketplace.accounts.models import Organisation, Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories.contracts import MilestoneFactory
from tests.factories.feedback import ReviewFactory, ReviewReplyFactory
from tests.feedback.conftest import review_kwargs

pytestmark = pytest.mark.django_db


def test_a_buyer_of_the_contracting_organisation_reviews_a_met_milestone(
    contract, milestone, buyer, supplier_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_submit(
            contract=contract, milestone=milestone, by=buyer, **review_kwargs()
        )
    assert review.status == Review.Status.SUBMITTED
    assert review.reviewer_organisation == contract.buyer
    assert review.supplier == contract.supplier
    assert review.is_verified
    # The supplier is told before publication.
    assert [m.to for m in mail.outbox] == [[supplier_admin.email]]


def test_a_commissioner_may_review_the_end_of_the_contract(contract, commissioner):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)
    contract.refresh_from_db()
    review = services.review_submit(contract=contract, by=commissioner, **review_kwargs())
    assert review.stage == "contract_end"
    assert review.milestone is None


def test_another_buyer_organisation_cannot_review(contract, milestone):
    other = MembershipFactory(
        organisation=OrganisationFactory(kind=Organisation.Kind.BUYER), role=Role.BUYER
    ).user
    with pytest.raises(PermissionDenied):
        services.review_submit(contract=contract, milestone=milestone, by=other, **review_kwargs())
    assert not Review.objects.exists()


def test_the_supplier_cannot_review_itself(contract, milestone, supplier_admin):
    with pytest.raises(PermissionDenied, match="your own organisation"):
        services.review_submit(
            contract=contract, milestone=milestone, by=supplier_admin, **review_kwargs()
        )


def test_a_supplier_member_who_is_also_a_buyer_there_still_cannot_review_itself(
    contract, milestone
):
    # Someone in both organisations (a consultant, say) is refused: no self-review at all.
    both = MembershipFactory(organisation=contract.buyer, role=Role.BUYER).user
    MembershipFactory(
        user=both, organisation=contract.supplier.organisation, role=Role.SUPPLIER_MEMBER
    )
    with pytest.raises(PermissionDenied):
        services.review_submit(contract=contract, milestone=milestone, by=both, **review_kwargs())


def test_no_review_before_the_stage_is_reached(contract, buyer):
    scheduled = MilestoneFactory(contract=contract)
    with pytest.raises(ValidationFailed, match="once this milestone is met"):
        services.review_submit(contract=contract, milestone=scheduled, by=buyer, **review_kwargs())
    with pytest.raises(ValidationFailed, match="once it has ended"):
        services.review_submit(contract=contract, by=buyer, **review_kwargs())


def test_a_milestone_of_another_contract_is_refused(contract, buyer):
    elsewhere = MilestoneFactory(status=Milestone.Status.MET)
    with pytest.raises(ValidationFailed, match="not part of this contract"):
        services.review_submit(contract=contract, milestone=elsewhere, by=buyer, **review_kwargs())


def test_a_second_review_of_the_same_stage_is_refused(contract, milestone, buyer, commissioner):
    services.review_submit(contract=contract, milestone=milestone, by=buyer, **review_kwargs())
    with pytest.raises(ValidationFailed, match="already been reviewed"):
        services.review_submit(
            contract=contract, milestone=milestone, by=commissioner, **review_kwargs()
        )
    assert Review.objects.count() == 1


def test_the_database_refuses_a_second_review_of_a_stage(milestone):
    first = ReviewFactory(milestone=milestone)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(milestone=milestone, contract=first.contract)


@pytest.mark.parametrize("bad", [0, 6, -1, None, "5", 4.5, True])
def test_ratings_out_of_range_are_refused(contract, milestone, buyer, bad):
    ratings = {"delivery": bad, "quality": 4, "value": 4, "communication": 4}
    with pytest.raises(ValidationFailed, match="from 1 to 5"):
        services.review_submit(
            contract=contract, milestone=milestone, by=buyer, **review_kwargs(ratings=ratings)
        )


@pytest.mark.parametrize("field", ["delivery", "quality", "value", "communication"])
def test_the_database_refuses_ratings_out_of_range(milestone, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(milestone=milestone, **{field: 6})


def test_an_empty_comment_is_refused(contract, milestone, buyer):
    with pytest.raises(ValidationFailed, match="public comment"):
        services.review_submit(
            contract=contract, milestone=milestone, by=buyer, **review_kwargs(comment="  ")
        )


def test_fifty_reviews_a_minute_then_rate_limited(contract, buyer):
    milestones = [
        MilestoneFactory(contract=contract, status=Milestone.Status.MET, value_pence=0)
        for _ in range(51)
    ]
    for milestone in milestones[:50]:
        services.review_submit(contract=contract, milestone=milestone, by=buyer, **review_kwargs())
    with pytest.raises(services.RateLimited, match="too many reviews"):
        services.review_submit(
            contract=contract, milestone=milestones[50], by=buyer, **review_kwargs()
        )
    assert Review.objects.count() == 50


# --- Moderation --------------------------------------------------------------------------------

ALL = list(Review.Status)


def _review_in(status, **kwargs):
    return ReviewFactory(
        status=status,
        moderation_reason="earlier",
        published_at=timezone.now() if status == Review.Status.PUBLISHED else None,
        **kwargs,
    )


@pytest.mark.parametrize("status", ALL)
def test_publish_only_from_submitted(status, staff, django_capture_on_commit_callbacks):
    review = _review_in(status)
    if Review.TRANSITIONS.can("publish", status):
        with django_capture_on_commit_callbacks(execute=True):
            services.review_publish(review=review, by=staff)
        review.refresh_from_db()
        assert review.status == Review.Status.PUBLISHED
        assert review.published_at is not None
        assert review.moderated_by == staff
    else:
        with pytest.raises(InvalidTransition):
            services.review_publish(review=review, by=staff)


@pytest.mark.parametrize("action", ["reject", "request_edit"])
@pytest.mark.parametrize("status", ALL)
def test_reject_and_request_edit_send_the_reason_to_the_author(
    action, status, staff, buyer, django_capture_on_commit_callbacks
):
    review = _review_in(status, author=buyer)
    service = getattr(services, f"review_{action}")
    if Review.TRANSITIONS.can(action, status):
        with django_capture_on_commit_callbacks(execute=True):
            service(review=review, by=staff, reason="Please remove the officer's name")
        review.refresh_from_db()
        assert review.moderation_reason == "Please remove the officer's name"
        assert mail.outbox[-1].to == [buyer.email]
        assert "remove the officer's name" in mail.outbox[-1].body
    else:
        with pytest.raises(InvalidTransition):
            service(review=review, by=staff, reason="Because")


def test_a_reason_is_needed_to_reject(staff):
    review = ReviewFactory()
    with pytest.raises(ValidationFailed, match="reason"):
        services.review_reject(review=review, by=staff, reason=" ")
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED


def test_only_staff_moderate(buyer):
    review = ReviewFactory()
    with pytest.raises(PermissionDenied):
        services.review_publish(review=review, by=buyer)


def test_the_author_edits_after_an_edit_request_and_it_returns_to_the_queue(
    staff, buyer, contract, milestone
):
    review = services.review_submit(
        contract=contract, milestone=milestone, by=buyer, **review_kwargs()
    )
    services.review_request_edit(review=review, by=staff, reason="Remove the price")
    services.review_edit(review=review, by=buyer, **review_kwargs(comment="Better wording"))
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED
    assert review.comment == "Better wording"
    assert review.moderation_reason == ""
    services.review_publish(review=review, by=staff)
    with pytest.raises(InvalidTransition):
        services.review_edit(review=review, by=buyer, **review_kwargs())


def test_publishing_updates_the_search_index_rating(staff, django_capture_on_commit_callbacks):
    from search.models import SupplierEntry

    review = ReviewFactory(delivery=5, quality=5, value=5, communication=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_publish(review=review, by=staff)
    entry = SupplierEntry.objects.get(supplier=review.supplier_id)
    # One 5-star review: (3 x 3.5 + 5) / (3 + 1) = 3.875, shown as 3.88.
    assert (entry.rating_count, entry.rating_average) == (1, 3.88)


# --- Replies and disputes ----------------------------------------------------------------------


def test_the_supplier_replies_once_and_the_reply_is_moderated(staff):
    review = ReviewFactory(published=True)
    admin = MembershipFactory(
        organisation=review.supplier.organisation, role=Role.SUPPLIER_ADMIN
    ).user
    reply = services.reply_submit(review=review, by=admin, text="Thank you")
    assert reply.status == ReviewReply.Status.SUBMITTED
    with pytest.raises(ValidationFailed, match="already replied"):
        services.reply_submit(review=review, by=admin, text="Again")
    services.reply_reject(reply=reply, by=staff, reason="Contains a phone number")
    # A rejected reply may be rewritten (still one reply per review).
    reply = services.reply_submit(review=review, by=admin, text="Thank you, shorter")
    services.reply_publish(reply=reply, by=staff)
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.PUBLISHED
    assert ReviewReply.objects.filter(review=review).count() == 1


def test_only_the_supplier_admin_replies_or_disputes(buyer):
    review = ReviewFactory()
    member = MembershipFactory(
        organisation=review.supplier.organisation, role=Role.SUPPLIER_MEMBER
    ).user
    for user in (buyer, member):
        with pytest.raises(PermissionDenied):
            services.reply_submit(review=review, by=user, text="Hi")
        with pytest.raises(PermissionDenied):
            services.review_dispute(review=review, by=user, reason="Wrong")


def test_a_dispute_is_flagged_for_moderators_first():
    calm = ReviewFactory()
    disputed = ReviewFactory()
    admin = MembershipFactory(
        organisation=disputed.supplier.organisation, role=Role.SUPPLIER_ADMIN
    ).user
    services.review_dispute(review=disputed, by=admin, reason="That milestone was met early")
    from feedback.selectors import moderation_queue

    assert list(moderation_queue()) == [disputed, calm]
    with pytest.raises(ValidationFailed, match="already disputed"):
        services.review_dispute(review=disputed, by=admin, reason="Again")


def test_reply_to_a_review_reply_factory_smoke():
    assert ReviewReplyFactory().review.status == Review.Status.PUBLISHED
