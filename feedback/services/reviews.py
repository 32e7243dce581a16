"""Buyer reviews of suppliers and supplier replies: write, edit, moderate, dispute.

Only a buyer or commissioner of the contract's buying organisation may review, and only once a
stage is reached (a milestone met or partly met, or the contract completed or ended). The
supplier is told when a review arrives, before it is published, and may flag a dispute and post
one reply. Platform admins publish, reject (with a reason for the author) or ask for an edit.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.access import is_contract_buyer
from contracts.models import Contract, Milestone
from marketplace.accounts.models import Role, User
from marketplace.accounts.permissions import has_role
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed

from ..models import Review, ReviewReply
from ..models.reviews import MAX_COMMENT, RATING_FIELDS, Stage
from ._common import SUPPLIER_ROLES, email_after_commit, emails_of, link

# At most this many reviews (new or edited) from one account in a minute: a person writing real
# reviews never gets near it; a script or a stolen session does.
RATE_LIMIT = 50
RATE_WINDOW_SECONDS = 60

REVIEWED_STAGE_STATUSES = (Milestone.Status.MET, Milestone.Status.PARTIALLY_MET)
ENDED = (Contract.Status.COMPLETED, Contract.Status.TERMINATED)


class RateLimited(ValidationFailed):
    """Too many reviews from one account in a short time."""


def _rate_limit(user: User) -> None:
    """Count this write against the account's allowance. The window opens with the first write
    and lasts ``RATE_WINDOW_SECONDS``; the counter lives in the shared cache, so every web
    process counts together."""
    key = f"feedback:review-writes:{user.pk}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    if count > RATE_LIMIT:
        raise RateLimited(
            "You have sent too many reviews in the last minute. Wait a minute and try again."
        )


def _clean_ratings(ratings: dict) -> dict[str, int]:
    cleaned = {}
    for name in RATING_FIELDS:
        value = ratings.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationFailed(f"Choose a rating from 1 to 5 for {name}", field=name)
        cleaned[name] = value
    return cleaned


def _clean_text(comment: str, confidential_note: str) -> tuple[str, str]:
    comment = (comment or "").strip()
    confidential_note = (confidential_note or "").strip()
    if not comment:
        raise ValidationFailed("Enter a public comment", field="comment")
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            f"Public comment must be {MAX_COMMENT} characters or fewer", field="comment"
        )
    if len(confidential_note) > MAX_COMMENT:
        raise ValidationFailed(
            f"Confidential note must be {MAX_COMMENT} characters or fewer",
            field="confidential_note",
        )
    return comment, confidential_note


def ensure_may_review(user: User, contract: Contract) -> None:
    """Only the contracting buyer organisation reviews; never the supplier itself."""
    if has_role(user, contract.supplier.organisation, SUPPLIER_ROLES):
        raise PermissionDenied("You cannot review your own organisation")
    if not is_contract_buyer(user, contract):
        raise PermissionDenied("Only the buying organisation on this contract can review it")


@transaction.atomic
def review_submit(
    *,
    contract: Contract,
    by: User,
    ratings: dict,
    would_work_again: bool,
    comment: str,
    confidential_note: str = "",
    milestone: Milestone | None = None,
) -> Review:
    """Write a review of the contract's supplier for one stage. It waits for moderation."""
    ensure_may_review(by, contract)
    contract = Contract.objects.select_for_update().select_related("supplier").get(pk=contract.pk)
    if milestone is not None:
        milestone = Milestone.objects.filter(pk=milestone.pk, contract=contract).first()
        if milestone is None:
            raise ValidationFailed("That milestone is not part of this contract")
        if milestone.status not in REVIEWED_STAGE_STATUSES:
            raise ValidationFailed("You can review the supplier once this milestone is met")
        stage = {"stage": Stage.MILESTONE, "milestone": milestone}
    else:
        if contract.status not in ENDED:
            raise ValidationFailed("You can review the contract as a whole once it has ended")
        stage = {"stage": Stage.CONTRACT_END, "milestone": None}
    if Review.objects.filter(contract=contract, **stage).exists():
        raise ValidationFailed("This stage of the contract has already been reviewed")
    cleaned = _clean_ratings(ratings)
    comment, confidential_note = _clean_text(comment, confidential_note)
    _rate_limit(by)
    review = Review(
        contract=contract,
        supplier=contract.supplier,
        reviewer_organisation_id=contract.buyer_id,
        author=by,
        would_work_again=bool(would_work_again),
        comment=comment,
        confidential_note=confidential_note,
        submitted_at=timezone.now(),
        **stage,
        **cleaned,
    )
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise ValidationFailed("This stage of the contract has already been reviewed") from None
    audit(by, "review.submitted", review, contract=contract.pk, stage=review.stage)
    # The supplier is told before publication, so it can reply or flag a dispute in time.
    email_after_commit(
        "review_received",
        emails_of(contract.supplier.organisation_id, (Role.SUPPLIER_ADMIN,)),
        {
            "buyer": contract.buyer.name,
            "contract": contract.reference,
            "link": link("feedback:my_reviews"),
        },
    )
    return review


@transaction.atomic
def review_edit(
    *,
    review: Review,
    by: User,
    ratings: dict,
    would_work_again: bool,
    comment: str,
    confidential_note: str | None = None,
) -> Review:
    """Change a review before it is published; it goes back to the moderation queue.

    The confidential note is never shown back, not even to its author, so an empty or missing
    note keeps the one already sent.
    """
    review = (
        Review.objects.select_for_update().select_related("contract__supplier").get(pk=review.pk)
    )
    ensure_may_review(by, review.contract)
    previous = review.status
    transition = Review.TRANSITIONS.ensure(review, "edit")
    cleaned = _clean_ratings(ratings)
    comment, confidential_note = _clean_text(comment, confidential_note or "")
    _rate_limit(by)
    for name, value in cleaned.items():
        setattr(review, name, value)
    review.would_work_again = bool(would_work_again)
    review.comment = comment
    if confidential_note:
        review.confidential_note = confidential_note
    review.status = transition.target
    review.moderation_reason = ""
    review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    audit(by, Review.TRANSITIONS.event("edit"), review, previous=previous)
    return review


def _ensure_staff(by: User) -> None:
    if not (by.is_active and by.is_staff):
        raise PermissionDenied("Only platform admins can moderate reviews")


def _after_publish(supplier_id: int) -> None:
    def reindex():
        # The search index carries each supplier's rating (for the minimum rating filter).
        from search.indexing import queue_supplier_reindex

        queue_supplier_reindex(supplier_id)

    transaction.on_commit(reindex)


def _author_emails(review: Review) -> list[str]:
    if review.author_id and review.author.is_active:
        return [review.author.email]
    return emails_of(review.reviewer_organisation_id, (Role.BUYER, Role.COMMISSIONER))


@transaction.atomic
def review_publish(*, review: Review, by: User) -> Review:
    _ensure_staff(by)
    review = Review.objects.select_for_update().get(pk=review.pk)
    previous = review.status
    transition = Review.TRANSITIONS.ensure(review, "publish")
    now = timezone.now()
    review.status = transition.target
    review.published_at = now
    review.moderated_at = now
    review.moderated_by = by
    review.save()
    audit(by, Review.TRANSITIONS.event("publish"), review, previous=previous)
    _after_publish(review.supplier_id)
    supplier = review.supplier
    email_after_commit(
        "review_published",
        emails_of(supplier.organisation_id, SUPPLIER_ROLES),
        {"link": link("feedback:supplier_reviews", supplier.slug)},
    )
    return review


def _refuse(review: Review, *, by: User, reason: str, action: str, template: str) -> Review:
    _ensure_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Enter a reason for the author", field="reason")
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("author").get(pk=review.pk)
    )
    previous = review.status
    transition = Review.TRANSITIONS.ensure(review, action)
    review.status = transition.target
    review.moderation_reason = reason
    review.moderated_at = timezone.now()
    review.moderated_by = by
    review.save()
    audit(by, Review.TRANSITIONS.event(action), review, previous=previous, reason=reason)
    email_after_commit(
        template,
        _author_emails(review),
        {"reason": reason, "link": link("feedback:review_edit", review.pk)},
    )
    return review


@transaction.atomic
def review_reject(*, review: Review, by: User, reason: str) -> Review:
    """Refuse a review; the reason goes to its author."""
    return _refuse(review, by=by, reason=reason, action="reject", template="review_rejected")


@transaction.atomic
def review_request_edit(*, review: Review, by: User, reason: str) -> Review:
    """Send a review back to its author with what to change."""
    return _refuse(
        review, by=by, reason=reason, action="request_edit", template="review_edit_requested"
    )


def _ensure_supplier_admin(by: User, review: Review) -> None:
    if not has_role(by, review.supplier.organisation, (Role.SUPPLIER_ADMIN,)):
        raise PermissionDenied("Only the supplier's admins can do this")


@transaction.atomic
def review_dispute(*, review: Review, by: User, reason: str) -> Review:
    """The supplier flags a review it believes is wrong; moderators see the flag and reason."""
    review = (
        Review.objects.select_for_update()
        .select_related("supplier__organisation")
        .get(pk=review.pk)
    )
    _ensure_supplier_admin(by, review)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Tell us why you dispute this review", field="reason")
    if len(reason) > MAX_COMMENT:
        raise ValidationFailed(f"Use {MAX_COMMENT} characters or fewer", field="reason")
    if review.disputed_at is not None:
        raise ValidationFailed("You have already disputed this review")
    review.disputed_at = timezone.now()
    review.dispute_reason = reason
    review.save(update_fields=["disputed_at", "dispute_reason", "updated_at"])
    audit(by, "review.disputed", review, reason=reason)
    return review


@transaction.atomic
def reply_submit(*, review: Review, by: User, text: str) -> ReviewReply:
    """The supplier's one public reply; a rejected reply may be rewritten and sent again."""
    review = (
        Review.objects.select_for_update()
        .select_related("supplier__organisation")
        .get(pk=review.pk)
    )
    _ensure_supplier_admin(by, review)
    if review.status == Review.Status.REJECTED:
        raise ValidationFailed("You cannot reply to a review that was not published")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Enter your reply", field="text")
    if len(text) > MAX_COMMENT:
        raise ValidationFailed(f"Reply must be {MAX_COMMENT} characters or fewer", field="text")
    _rate_limit(by)
    reply = ReviewReply.objects.filter(review=review).first()
    if reply is not None and reply.status != ReviewReply.Status.REJECTED:
        raise ValidationFailed("You have already replied to this review")
    if reply is None:
        reply = ReviewReply(review=review)
    reply.text = text
    reply.author = by
    reply.status = ReviewReply.Status.SUBMITTED
    reply.moderation_reason = ""
    reply.full_clean()
    reply.save()
    audit(by, "review_reply.submitted", reply, review=review.pk)
    return reply


@transaction.atomic
def reply_publish(*, reply: ReviewReply, by: User) -> ReviewReply:
    _ensure_staff(by)
    reply = ReviewReply.objects.select_for_update().get(pk=reply.pk)
    ReviewReply.TRANSITIONS.ensure(reply, "publish")
    now = timezone.now()
    reply.status = ReviewReply.Status.PUBLISHED
    reply.published_at = now
    reply.moderated_at = now
    reply.moderated_by = by
    reply.save()
    audit(by, ReviewReply.TRANSITIONS.event("publish"), reply)
    return reply


@transaction.atomic
def reply_reject(*, reply: ReviewReply, by: User, reason: str) -> ReviewReply:
    _ensure_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Enter a reason for the supplier", field="reason")
    reply = (
        ReviewReply.objects.select_for_update().select_related("review__supplier").get(pk=reply.pk)
    )
    ReviewReply.TRANSITIONS.ensure(reply, "reject")
    reply.status = ReviewReply.Status.REJECTED
    reply.moderation_reason = reason
    reply.moderated_at = timezone.now()
    reply.moderated_by = by
    reply.save()
    audit(by, ReviewReply.TRANSITIONS.event("reject"), reply, reason=reason)
    email_after_commit(
        "reply_rejected",
        emails_of(reply.review.supplier.organisation_id, (Role.SUPPLIER_ADMIN,)),
        {"reason": reason, "link": link("feedback:review_reply", reply.review_id)},
    )
    return reply
