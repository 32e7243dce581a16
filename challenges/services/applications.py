"""Applying to a challenge phase: start (prefilled from the profile), save answers as drafts,
attachments, declarations, consortium partners, submit before the deadline, withdraw.

Every function is a service: keyword-only, ``@transaction.atomic``, locks the application row,
checks ``Application.TRANSITIONS`` for status changes, stamps ``*_at``/``*_by`` and audits.
The deadline is checked on the server at submit time, inside the same transaction.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.accounts.permissions import has_role
from marketplace.core.audit import audit
from marketplace.core.dates import uk_deadline
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.uploads import clean_document_upload
from marketplace.core.validators import has_invisible_characters
from suppliers.models import Certification, SupplierProfile

from ..limits import ATTACHMENT_KINDS, MAX_ANSWER_CHARACTERS, MAX_ATTACHMENT_BYTES
from ..models import (
    Answer,
    Application,
    ApplicationAttachment,
    AssessmentPeriod,
    Challenge,
    Phase,
    Question,
)
from ..selectors.applications import (
    SUPPLIER_ROLES,
    count_words,
    live_application,
    supplier_invited_to,
)

TRANSITIONS = Application.TRANSITIONS
Status = Application.Status

MAX_ATTACHMENTS = 10
MAX_PARTNERS = 10
DEFAULT_PERIOD_DAYS = 30

# Profile fields a question may be prefilled from ("tell us once"). Text only, never secrets.
PREFILL_FIELDS = {
    "summary",
    "innovation_evidence",
    "legal_name",
    "trading_name",
    "company_number",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "town",
    "postcode",
}


# --- Time --------------------------------------------------------------------------------------


def format_deadline(when: datetime.datetime) -> str:
    """``12pm on Friday 6 March 2026`` (Europe/London, GOV.UK style)."""
    return uk_deadline(when)


def deadline_passed(phase: Phase, *, now: datetime.datetime | None = None) -> bool:
    """The window is [opens_at, closes_at): at the closing second it is already too late."""
    now = now or timezone.now()
    return phase.closes_at is not None and now >= phase.closes_at


# --- Checks ------------------------------------------------------------------------------------


def _ensure_member(user: User, supplier: SupplierProfile) -> None:
    if not has_role(user, supplier.organisation, SUPPLIER_ROLES):
        raise PermissionDenied("You can only apply for a supplier you work for.")


def _ensure_phase_taking_applications(phase: Phase, *, now: datetime.datetime) -> None:
    challenge = phase.challenge
    if challenge.status != Challenge.Status.OPEN or phase.number != challenge.current_phase_number:
        raise ValidationFailed("This challenge is not taking applications at the moment.")
    if phase.opens_at is not None and now < phase.opens_at:
        raise ValidationFailed(
            f"Applications open at {format_deadline(phase.opens_at)}. You cannot apply yet."
        )
    if deadline_passed(phase, now=now):
        raise ValidationFailed(
            f"The deadline was {format_deadline(phase.closes_at)}. "
            "You can no longer apply for this challenge."
        )


def _ensure_may_enter_phase(phase: Phase, supplier: SupplierProfile) -> None:
    if phase.by_invitation_only and not supplier_invited_to(phase, supplier):
        raise PermissionDenied(
            f"Phase {phase.number} is open only to suppliers funded in phase {phase.number - 1}. "
            "You were not invited to this phase, so you cannot apply."
        )


def _ensure_approved(supplier: SupplierProfile) -> None:
    if supplier.status != SupplierProfile.Status.APPROVED:
        raise ValidationFailed(
            "Your supplier profile must be approved before you can apply. "
            "Finish your profile and send it for review."
        )


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("phase", "phase__challenge", "supplier", "supplier__organisation")
        .get(pk=application.pk)
    )


def _ensure_draft(application: Application, user: User) -> None:
    _ensure_member(user, application.supplier)
    if application.status != Status.DRAFT:
        raise ValidationFailed(
            "You cannot change this application because it is "
            f"{application.get_status_display().lower()}."
        )


# --- Start -------------------------------------------------------------------------------------


def prefill_text(question: Question, supplier: SupplierProfile) -> str:
    """The profile's answer for a question that names a profile field, else ""."""
    field = question.prefill_from
    if field not in PREFILL_FIELDS:
        return ""
    return str(getattr(supplier, field, "") or "")


@transaction.atomic
def application_start(*, phase: Phase, supplier: SupplierProfile, by: User) -> Application:
    """Start (or return the supplier's existing) application to ``phase``.

    Idempotent: a second "Start application" for the same phase returns the first application.
    Answers to questions that name a profile field are prefilled from the profile.
    """
    now = timezone.now()
    # Lock the supplier: two "Start" clicks at once then queue here instead of racing.
    supplier = (
        SupplierProfile.objects.select_for_update()
        .select_related("organisation")
        .get(pk=supplier.pk)
    )
    _ensure_member(by, supplier)
    existing = live_application(phase, supplier)
    if existing is not None:
        return existing
    _ensure_approved(supplier)
    phase = Phase.objects.select_related("challenge").get(pk=phase.pk)
    _ensure_may_enter_phase(phase, supplier)
    _ensure_phase_taking_applications(phase, now=now)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                phase=phase,
                supplier=supplier,
                title=phase.challenge.title[:150],
                created_by=by,
            )
    except IntegrityError:  # a concurrent start won the race: use its application
        return live_application(phase, supplier)
    Answer.objects.bulk_create(
        [
            Answer(application=application, question=question, text=text)
            for question in phase.questions.all()
            if (text := prefill_text(question, supplier))
        ]
    )
    audit(by, "application.started", application, phase=phase.number)
    return application


# --- Draft changes -----------------------------------------------------------------------------


@transaction.atomic
def application_save_answers(
    *, application: Application, by: User, answers: dict[int, str]
) -> list[str]:
    """Save answers as a draft, even over the word limit (nothing typed is lost).

    Returns the warnings to show ("... is over the word limit"); submission is refused until
    they are fixed.
    """
    application = _lock(application)
    _ensure_draft(application, by)
    questions = {q.pk: q for q in application.phase.questions.all()}
    warnings = []
    for question_id, raw in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            raise ValidationFailed("That question is not part of this application.")
        text = (raw or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_ANSWER_CHARACTERS:
            raise ValidationFailed(
                f"Your answer to \u201c{question.text}\u201d is too long to save. "
                f"Shorten it to {question.word_limit:,} words.",
                field=f"question_{question.pk}",
            )
        Answer.objects.update_or_create(
            application=application, question=question, defaults={"text": text}
        )
        words = count_words(text)
        if words > question.word_limit:
            warnings.append(
                f"Your answer to \u201c{question.text}\u201d is {words:,} words. "
                f"It must be {question.word_limit:,} words or fewer before you submit."
            )
    audit(by, "application.answers_saved", application, questions=sorted(map(int, answers)))
    return warnings


@transaction.atomic
def application_update_details(
    *, application: Application, by: User, title: str, requested_pence: int | None
) -> Application:
    application = _lock(application)
    _ensure_draft(application, by)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("Enter a title for your application", field="title")
    if has_invisible_characters(title):
        raise ValidationFailed("Remove hidden formatting characters from the title", field="title")
    limit = application.phase.budget_per_contract_pence
    if requested_pence is not None and not 0 < requested_pence <= limit:
        from marketplace.core.money import format_gbp

        raise ValidationFailed(
            f"The amount you ask for must be more than £0 and no more than {format_gbp(limit)}",
            field="requested",
        )
    application.title = title[:150]
    application.requested_pence = requested_pence
    application.save(update_fields=["title", "requested_pence", "updated_at"])
    audit(by, "application.details_saved", application, requested_pence=requested_pence)
    return application


@transaction.atomic
def application_declare(
    *,
    application: Application,
    by: User,
    eligibility_confirmed: bool,
    declarations_confirmed: bool,
) -> Application:
    application = _lock(application)
    _ensure_draft(application, by)
    application.eligibility_confirmed = bool(eligibility_confirmed)
    application.declarations_confirmed = bool(declarations_confirmed)
    application.save(
        update_fields=["eligibility_confirmed", "declarations_confirmed", "updated_at"]
    )
    audit(
        by,
        "application.declared",
        application,
        eligibility=application.eligibility_confirmed,
        declarations=application.declarations_confirmed,
    )
    return application


@transaction.atomic
def application_attachment_add(
    *, application: Application, by: User, title: str, upload
) -> ApplicationAttachment:
    """Check the file by content (PDF, DOCX or ODT, under 10MB), store it under a new name."""
    application = _lock(application)
    _ensure_draft(application, by)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("Enter a title for the file", field="title")
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationFailed(
            f"You can attach up to {MAX_ATTACHMENTS} files. Remove one to add another."
        )
    original_name = str(getattr(upload, "name", "") or "")[:255]
    checked = clean_document_upload(
        upload, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES, label="file"
    )
    attachment = ApplicationAttachment.objects.create(
        application=application,
        title=title[:150],
        file=checked,
        original_name=original_name,
        size_bytes=checked.size,
        uploaded_by=by,
    )
    audit(by, "application.attachment_added", application, attachment=attachment.pk)
    return attachment


@transaction.atomic
def application_attachment_remove(*, attachment: ApplicationAttachment, by: User) -> None:
    application = _lock(attachment.application)
    _ensure_draft(application, by)
    attachment = ApplicationAttachment.objects.get(pk=attachment.pk, application=application)
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    audit(by, "application.attachment_removed", application, attachment=attachment.pk)
    transaction.on_commit(lambda: storage.delete(stored) if stored else None)


@transaction.atomic
def application_partner_add(
    *, application: Application, by: User, partner: SupplierProfile
) -> Application:
    """Name another approved supplier as a partner in a consortium bid."""
    application = _lock(application)
    _ensure_draft(application, by)
    if partner.pk == application.supplier_id:
        raise ValidationFailed("You cannot add your own organisation as a partner")
    if partner.status != SupplierProfile.Status.APPROVED:
        raise ValidationFailed("Partners must be approved suppliers on the marketplace")
    if application.partners.count() >= MAX_PARTNERS:
        raise ValidationFailed(f"You can name up to {MAX_PARTNERS} partners")
    application.partners.add(partner)
    audit(by, "application.partner_added", application, partner=partner.pk)
    return application


@transaction.atomic
def application_partner_remove(
    *, application: Application, by: User, partner: SupplierProfile
) -> Application:
    application = _lock(application)
    _ensure_draft(application, by)
    application.partners.remove(partner)
    audit(by, "application.partner_removed", application, partner=partner.pk)
    return application


# --- Submit and withdraw -----------------------------------------------------------------------


def problems_before_submit(application: Application, *, today: datetime.date | None = None) -> list:
    """What stops this application being submitted, each as a sentence naming what to fix."""
    from ..selectors.applications import question_rows

    problems = []
    for row in question_rows(application):
        question = row["question"]
        if row["missing"]:
            problems.append(f"Answer \u201c{question.text}\u201d")
        elif row["over_limit"]:
            problems.append(
                f"Your answer to \u201c{question.text}\u201d is {row['words']:,} words. "
                f"Shorten it to {question.word_limit:,} words or fewer"
            )
    if not application.eligibility_confirmed:
        problems.append("Confirm that you meet the eligibility criteria")
    if not application.declarations_confirmed:
        problems.append("Confirm the declarations")
    problems.extend(_missing_certifications(application, today=today))
    return problems


def _missing_certifications(application: Application, *, today=None) -> list[str]:
    required = list(application.phase.challenge.required_certifications or [])
    if not required:
        return []
    today = today or timezone.localdate()
    held = set(
        Certification.objects.filter(
            profile=application.supplier_id, expires_on__gte=today
        ).values_list("scheme", flat=True)
    )
    labels = dict(Certification.Scheme.choices)
    return [
        f"You need an in-date {labels.get(code, code)} certificate on your profile to apply"
        for code in required
        if code not in held
    ]


def _period_for(phase: Phase, now: datetime.datetime) -> AssessmentPeriod:
    """The open call's assessment period containing ``now``, created when none exists yet."""
    period = (
        AssessmentPeriod.objects.select_for_update()
        .filter(phase=phase, starts_at__lte=now, ends_at__gt=now)
        .first()
    )
    if period is not None:
        return period
    days = datetime.timedelta(days=phase.challenge.assessment_period_days or DEFAULT_PERIOD_DAYS)
    last = AssessmentPeriod.objects.filter(phase=phase).order_by("-number").first()
    starts = last.ends_at if last else (phase.opens_at or phase.challenge.opened_at or now)
    starts = min(starts, now)
    ends = starts + days
    while ends <= now:  # skip over quiet months without applications
        starts, ends = ends, ends + days
    number = (last.number if last else 0) + 1
    return AssessmentPeriod.objects.create(
        phase=phase, number=number, starts_at=starts, ends_at=ends
    )


@transaction.atomic
def application_submit(*, application: Application, by: User) -> Application:
    """Submit before the deadline. After it, refused with the deadline; the draft is kept.

    The deadline is read and checked here, inside the transaction that records the
    submission, so a submission cannot slip past the closing second.
    """
    application = _lock(application)
    _ensure_member(by, application.supplier)
    TRANSITIONS.ensure(application, "submit")
    now = timezone.now()
    phase = Phase.objects.select_related("challenge").get(pk=application.phase_id)
    if deadline_passed(phase, now=now):
        raise ValidationFailed(
            f"The deadline was {format_deadline(phase.closes_at)}. "
            "You can no longer submit this application."
        )
    _ensure_phase_taking_applications(phase, now=now)
    _ensure_approved(application.supplier)
    _ensure_may_enter_phase(phase, application.supplier)
    problems = problems_before_submit(application)
    if problems:
        raise ValidationFailed("You need to fix these before you submit: " + "; ".join(problems))
    previous = application.status
    application.status = TRANSITIONS["submit"].target
    application.submitted_at = now
    application.submitted_by = by
    if phase.challenge.is_open_call:
        application.period = _period_for(phase, now)
    application.save(
        update_fields=["status", "submitted_at", "submitted_by", "period", "updated_at"]
    )
    audit(by, TRANSITIONS.event("submit"), application, previous_status=previous)
    from ..tasks import application_receipt_task

    application_id = application.pk
    transaction.on_commit(lambda: application_receipt_task.delay(application_id))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: User) -> Application:
    """Withdraw a draft at any time, or a submitted application before the deadline."""
    application = _lock(application)
    _ensure_member(by, application.supplier)
    TRANSITIONS.ensure(application, "withdraw")
    phase = application.phase
    if application.status == Status.SUBMITTED and deadline_passed(phase):
        raise ValidationFailed(
            f"The deadline was {format_deadline(phase.closes_at)}. "
            "You can no longer withdraw this application. Contact the buyer if you need to."
        )
    if application.status == Status.SUBMITTED and phase.challenge.status != Challenge.Status.OPEN:
        raise ValidationFailed(
            "Assessment has started, so you can no longer withdraw this application. "
            "Contact the buyer if you need to."
        )
    previous = application.status
    application.status = TRANSITIONS["withdraw"].target
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit(by, TRANSITIONS.event("withdraw"), application, previous_status=previous)
    return application
