"""Clarification questions: a supplier asks privately before the deadline; the buyer answers
privately or publishes the answer to everyone, anonymised; applicants and watchers are told.

The asker's identity is kept on the row for the buyer only. Public pages and the API read the
question and answer text, never ``asked_by`` or ``supplier``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Role, User
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed
from suppliers.models import SupplierProfile

from ..models import Application, Challenge, ChallengeWatch, ClarificationQuestion
from ._common import (
    challenge_link,
    email_template,
    ensure_challenge_buyer,
    london,
    queue_email,
    save,
)

MAX_QUESTION_LENGTH = 2000
MAX_ANSWER_LENGTH = 5000
SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)
# Challenges people can ask about: public and still taking applications (or about to).
ASKABLE = (Challenge.Status.SCHEDULED, Challenge.Status.OPEN)


def supplier_for(user: User) -> SupplierProfile | None:
    """The approved supplier profile ``user`` belongs to, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SupplierProfile.objects.filter(
            status=SupplierProfile.Status.APPROVED,
            organisation__memberships__user=user,
            organisation__memberships__role__in=SUPPLIER_ROLES,
        )
        .order_by("pk")
        .first()
    )


def question_deadline_passed(challenge: Challenge, now=None) -> bool:
    now = now or timezone.now()
    return challenge.question_deadline is not None and now >= challenge.question_deadline


@transaction.atomic
def clarification_ask(*, challenge: Challenge, by: User, question: str) -> ClarificationQuestion:
    """Ask the buyer a question privately. Refused after the question deadline."""
    supplier = supplier_for(by)
    if supplier is None:
        raise PermissionDenied(
            "Only approved suppliers can ask questions. Finish your supplier profile first."
        )
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status not in ASKABLE:
        raise ValidationFailed("This challenge is not taking questions")
    if question_deadline_passed(challenge):
        raise ValidationFailed(
            "The deadline for questions was "
            f"{london(challenge.question_deadline)}. You can no longer ask a question.",
            field="question",
        )
    question = (question or "").strip()
    if not question:
        raise ValidationFailed("Enter your question", field="question")
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValidationFailed(
            f"Your question must be {MAX_QUESTION_LENGTH:,} characters or fewer", field="question"
        )
    clarification = ClarificationQuestion(
        challenge=challenge, asked_by=by, supplier=supplier, question=question
    )
    save(clarification)
    audit(by, "clarification.asked", clarification, challenge=challenge.pk)
    from ..selectors.access import challenge_org_ids
    from ._common import buyer_emails

    queue_email(
        "challenge_question_asked",
        buyer_emails(challenge_org_ids(challenge)),
        {
            "title": challenge.title,
            "url": challenge_link(challenge, "challenges:manage_questions"),
        },
    )
    return clarification


@transaction.atomic
def clarification_answer(
    *, clarification: ClarificationQuestion, by: User, answer: str, publish: bool
) -> ClarificationQuestion:
    """Answer a question. ``publish=True`` shows the question and answer to everyone without
    saying who asked, and tells applicants and watchers; otherwise only the asker is told."""
    clarification = ClarificationQuestion.objects.select_for_update().get(pk=clarification.pk)
    challenge = clarification.challenge
    ensure_challenge_buyer(by, challenge)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("Enter your answer", field="answer")
    if len(answer) > MAX_ANSWER_LENGTH:
        raise ValidationFailed(
            f"Your answer must be {MAX_ANSWER_LENGTH:,} characters or fewer", field="answer"
        )
    name = "publish" if publish else "decline"
    transition = ClarificationQuestion.TRANSITIONS.ensure(clarification, name)
    previous = clarification.status
    now = timezone.now()
    clarification.status = transition.target
    clarification.answer = answer
    clarification.answered_at = now
    clarification.answered_by = by
    if publish:
        clarification.published_at = now
    save(clarification)
    audit(
        by,
        ClarificationQuestion.TRANSITIONS.event(name),
        clarification,
        previous_status=previous,
        challenge=challenge.pk,
    )
    if clarification.asked_by_id:
        queue_email(
            "challenge_question_answered",
            [clarification.asked_by.email],
            {
                "title": challenge.title,
                "question": clarification.question,
                "answer": answer,
                "published": publish,
                "url": challenge_link(challenge),
            },
        )
    if publish:
        from ..tasks import send_clarification_published

        pk = clarification.pk
        transaction.on_commit(lambda: send_clarification_published.delay(pk))
    return clarification


def published_recipients(challenge: Challenge) -> list[str]:
    """Everyone to tell about a published answer: members of suppliers with an application to
    the challenge, and people watching it. Sorted, no repeats."""
    supplier_ids = Application.objects.filter(phase__challenge=challenge).values("supplier_id")
    from marketplace.accounts.models import Membership

    applicants = Membership.objects.filter(
        organisation__supplier_profile__in=supplier_ids,
        role__in=SUPPLIER_ROLES,
        user__is_active=True,
    ).values_list("user__email", flat=True)
    watchers = ChallengeWatch.objects.filter(challenge=challenge, user__is_active=True).values_list(
        "user__email", flat=True
    )
    return sorted(set(applicants) | set(watchers))


def clarification_notify_published(*, clarification_id: int) -> int:
    """Email each applicant and watcher separately (so nobody sees who else applied)."""
    from marketplace.notifications.services import email_send

    clarification = (
        ClarificationQuestion.objects.select_related("challenge")
        .filter(pk=clarification_id, status=ClarificationQuestion.Status.PUBLISHED)
        .first()
    )
    if clarification is None:
        return 0
    challenge = clarification.challenge
    context = {
        "title": challenge.title,
        "question": clarification.question,
        "answer": clarification.answer,
        "url": challenge_link(challenge),
    }
    sent = 0
    for email in published_recipients(challenge):
        sent += email_send(
            template=email_template("challenge_answer_published"), to=[email], context=context
        )
    return sent
