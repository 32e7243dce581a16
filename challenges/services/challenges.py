"""Drafting a challenge: details, place, phases, criteria, questions and documents.

Everything here changes a draft only. Sending it for approval and every later status change is
in ``challenges.services.lifecycle``. Money is integer pence; an envelope is always computed
(budget per contract x maximum contracts), never typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.text import slugify

from marketplace.accounts.models import Organisation, User
from marketplace.core import geo
from marketplace.core.audit import audit
from marketplace.core.errors import PermissionDenied, ValidationFailed
from marketplace.core.money import format_gbp
from marketplace.core.uploads import clean_document_upload
from suppliers.models import Capability, Region

from ..limits import DOCUMENT_MAX_BYTES, MAX_RADIUS_MILES, PhaseDetails
from ..models import Challenge, ChallengeDocument, Criterion, Phase, Question
from ..selectors.access import buyer_org_ids
from ._common import ensure_challenge_buyer, ensure_draft, lock, save

# What a buyer types on the "details" part. Capabilities and co-funders are passed separately.
DETAIL_FIELDS = (
    "title",
    "summary",
    "problem_statement",
    "outcomes_sought",
    "who_is_affected",
    "data_and_assets",
    "constraints",
    "procedure",
    "mode",
    "ip_terms",
    "data_terms",
    "eligibility",
    "required_certifications",
    "contact_name",
    "contact_email",
    "budget_pence",
    "question_deadline",
    "assessment_period_days",
)

# Words that name a solution rather than describe a problem. Matched as whole words.
SOLUTION_WORDS = (
    "app",
    "apps",
    "blockchain",
    "AI-powered",
    "artificial intelligence",
    "platform",
    "chatbot",
    "dashboard",
    "machine learning",
    "portal",
    "website",
    "drone",
    "drones",
    "sensor network",
    "smart speaker",
    "virtual reality",
)


# --- "Problem, not solution" -------------------------------------------------------------------


def problem_statement_warnings(text: str) -> list[str]:
    """Warnings (never refusals) when a problem statement names a technology.

    Buyers should describe the problem and leave the solution open to suppliers.
    """
    found = []
    for word in SOLUTION_WORDS:
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text or "", flags=re.IGNORECASE):
            found.append(word)
    if not found:
        return []
    listed = ", ".join(f"“{w}”" for w in found)
    return [
        f"Your problem statement mentions {listed}. Describe the problem and the outcomes you "
        "want, and let suppliers propose how to solve it."
    ]


# --- Details -----------------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "challenge"
    slug, n = base, 2
    while Challenge.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _envelopes_total(challenge: Challenge, *, exclude: Phase | None = None) -> int:
    qs = Phase.objects.filter(challenge=challenge)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(total=Sum("envelope_pence"))["total"] or 0


def _check_budget_covers_envelopes(challenge: Challenge, budget_pence: int) -> None:
    total = _envelopes_total(challenge) if challenge.pk else 0
    if total > budget_pence:
        raise ValidationFailed(
            f"The budget must be at least {format_gbp(total)}, the total of the phase envelopes. "
            "Raise the budget or reduce the phases first.",
            field="budget_pence",
        )


def _check_co_funders(organisation: Organisation, co_funders: Iterable[Organisation]) -> list:
    co_funders = [org for org in co_funders if org.pk != organisation.pk]
    for org in co_funders:
        if org.kind not in (Organisation.Kind.BUYER, Organisation.Kind.PROGRAMME):
            raise ValidationFailed(
                f"{org.name} is not a buying organisation, so it cannot co-fund", field="co_funders"
            )
    return co_funders


def _apply_details(challenge: Challenge, details: dict) -> None:
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not challenge details: {sorted(unknown)}")
    for field, value in details.items():
        setattr(challenge, field, "" if value is None and field not in _NULLABLE else value)
    if challenge.mode == Challenge.Mode.OPEN_CALL and not challenge.assessment_period_days:
        raise ValidationFailed(
            "Enter how many days each assessment period lasts, for example 30",
            field="assessment_period_days",
        )
    if challenge.mode == Challenge.Mode.COMPETITION:
        challenge.assessment_period_days = None


_NULLABLE = {"question_deadline", "assessment_period_days", "budget_pence"}


@transaction.atomic
def challenge_create(
    *,
    by: User,
    organisation: Organisation,
    details: dict,
    capabilities: Iterable[Capability] = (),
    co_funders: Iterable[Organisation] = (),
) -> Challenge:
    """Start a draft challenge for ``organisation``, which ``by`` must be a buyer of."""
    if organisation.pk not in buyer_org_ids(by):
        raise PermissionDenied("Only buyers of an organisation can create its challenges")
    if not organisation.is_verified:
        raise PermissionDenied(
            "Your organisation has not been verified yet. You can create challenges once it is."
        )
    challenge = Challenge(buyer=organisation, created_by=by, status=Challenge.Status.DRAFT)
    _apply_details(challenge, details)
    challenge.slug = _unique_slug(challenge.title)
    save(challenge)
    challenge.capabilities.set(list(capabilities))
    challenge.co_funders.set(_check_co_funders(organisation, co_funders))
    audit(by, "challenge.created", challenge, title=challenge.title)
    return challenge


@transaction.atomic
def challenge_update(
    *,
    challenge: Challenge,
    by: User,
    details: dict,
    capabilities: Iterable[Capability] | None = None,
    co_funders: Iterable[Organisation] | None = None,
) -> Challenge:
    """Change a draft's details. The slug never changes, so links keep working."""
    challenge = lock(challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    _apply_details(challenge, details)
    _check_budget_covers_envelopes(challenge, challenge.budget_pence)
    save(challenge)
    if capabilities is not None:
        challenge.capabilities.set(list(capabilities))
    if co_funders is not None:
        challenge.co_funders.set(_check_co_funders(challenge.buyer, co_funders))
    audit(by, "challenge.updated", challenge, fields=sorted(details))
    return challenge


# --- Place -------------------------------------------------------------------------------------


@transaction.atomic
def challenge_set_place(
    *,
    challenge: Challenge,
    by: User,
    uk_wide: bool,
    place_name: str = "",
    postcode: str = "",
    radius_miles: int | None = None,
) -> Challenge:
    """UK-wide, or a postcode (or its first part) and a radius: stored as a point and region."""
    challenge = lock(challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    if uk_wide:
        challenge.uk_wide = True
        challenge.place_name = ""
        challenge.place_postcode = ""
        challenge.place_radius_miles = None
        challenge.latitude = challenge.longitude = None
        challenge.region = None
    else:
        if not (postcode or "").strip():
            raise ValidationFailed(
                "Enter the postcode of the place, or the first part of it, like LS1",
                field="postcode",
            )
        if not radius_miles or not 1 <= radius_miles <= MAX_RADIUS_MILES:
            raise ValidationFailed(
                f"Enter a distance from 1 to {MAX_RADIUS_MILES} miles", field="radius_miles"
            )
        try:
            place = geo.lookup(postcode)
        except geo.PostcodeError as exc:
            raise ValidationFailed(str(exc), field="postcode") from None
        challenge.uk_wide = False
        challenge.place_name = (place_name or "").strip() or place.district_name
        challenge.place_postcode = place.postcode
        challenge.place_radius_miles = radius_miles
        challenge.latitude = place.latitude
        challenge.longitude = place.longitude
        challenge.region = Region.objects.filter(code=place.region_code).first()
    save(challenge)
    audit(by, "challenge.place_set", challenge, uk_wide=challenge.uk_wide)
    return challenge


# --- Phases ------------------------------------------------------------------------------------


def _apply_phase(challenge: Challenge, phase: Phase, details: PhaseDetails) -> None:
    for field in PhaseDetails.__dataclass_fields__:
        setattr(phase, field, getattr(details, field))
    phase.envelope_pence = phase.budget_per_contract_pence * phase.max_contracts
    if challenge.is_open_call:
        if phase.closes_at is not None:
            raise ValidationFailed(
                "Open calls take applications at any time, so leave the closing date empty",
                field="closes_at",
            )
    elif phase.number == 1 and (phase.opens_at is None or phase.closes_at is None):
        raise ValidationFailed(
            "Enter when applications open and close for the first phase", field="opens_at"
        )
    if phase.opens_at and phase.closes_at and phase.closes_at <= phase.opens_at:
        raise ValidationFailed("The closing date must be after the opening date", field="closes_at")
    total = _envelopes_total(challenge, exclude=phase) + phase.envelope_pence
    if total > challenge.budget_pence:
        raise ValidationFailed(
            f"The phase envelopes add up to {format_gbp(total)}, which is more than the "
            f"challenge budget of {format_gbp(challenge.budget_pence)}. Reduce the budget per "
            "contract or the number of contracts, or raise the challenge budget.",
            field="budget_per_contract_pence",
        )


@transaction.atomic
def phase_add(*, challenge: Challenge, by: User, details: PhaseDetails) -> Phase:
    """Add the next phase to a draft. Its envelope is computed and must fit the budget."""
    challenge = lock(challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    number = challenge.phases.order_by("-number").values_list("number", flat=True).first() or 0
    phase = Phase(challenge=challenge, number=number + 1)
    _apply_phase(challenge, phase, details)
    save(phase)
    audit(by, "challenge.phase_added", challenge, phase=phase.number, envelope=phase.envelope_pence)
    return phase


@transaction.atomic
def phase_update(*, phase: Phase, by: User, details: PhaseDetails) -> Phase:
    challenge = lock(phase.challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    _apply_phase(challenge, phase, details)
    save(phase)
    audit(by, "challenge.phase_updated", challenge, phase=phase.number)
    return phase


@transaction.atomic
def phase_remove(*, phase: Phase, by: User) -> None:
    """Remove a phase and renumber the later ones, so numbers stay 1, 2, 3..."""
    challenge = lock(phase.challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    number = phase.number
    Phase.objects.filter(pk=phase.pk).delete()
    for later in challenge.phases.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number", "updated_at"])
    audit(by, "challenge.phase_removed", challenge, phase=number)


# --- Criteria and questions --------------------------------------------------------------------


def _draft_phase(phase: Phase, by: User) -> Challenge:
    challenge = lock(phase.challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    return challenge


@transaction.atomic
def criterion_add(
    *, phase: Phase, by: User, title: str, weight: int, guidance: str = ""
) -> Criterion:
    """Add a scoring criterion. Weights are checked to total 100 when sent for approval."""
    challenge = _draft_phase(phase, by)
    current = phase.criteria.aggregate(total=Sum("weight"))["total"] or 0
    if current + weight > 100:
        raise ValidationFailed(
            f"The weights of this phase would add up to {current + weight}%. "
            f"They must add up to 100%: this criterion can weigh at most {100 - current}%.",
            field="weight",
        )
    order = (phase.criteria.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    criterion = Criterion(phase=phase, title=title, weight=weight, guidance=guidance, order=order)
    save(criterion)
    audit(by, "challenge.criterion_added", challenge, phase=phase.number, weight=weight)
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: User) -> None:
    challenge = _draft_phase(criterion.phase, by)
    Criterion.objects.filter(pk=criterion.pk).delete()
    audit(by, "challenge.criterion_removed", challenge, title=criterion.title)


@transaction.atomic
def question_add(
    *,
    phase: Phase,
    by: User,
    text: str,
    word_limit: int,
    guidance: str = "",
    required: bool = True,
    prefill_from: str = "",
) -> Question:
    challenge = _draft_phase(phase, by)
    order = (phase.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    question = Question(
        phase=phase,
        text=text,
        word_limit=word_limit,
        guidance=guidance,
        required=required,
        prefill_from=prefill_from,
        order=order,
    )
    save(question)
    audit(by, "challenge.question_added", challenge, phase=phase.number)
    return question


@transaction.atomic
def question_remove(*, question: Question, by: User) -> None:
    challenge = _draft_phase(question.phase, by)
    Question.objects.filter(pk=question.pk).delete()
    audit(by, "challenge.question_removed", challenge)


# --- Documents ---------------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *, challenge: Challenge, by: User, title: str, upload, original_name: str = ""
) -> ChallengeDocument:
    """Publish a document with the challenge. A raw upload is checked by content and renamed
    here; a file from ``DocumentUploadField`` has been already."""
    challenge = lock(challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    if isinstance(upload, UploadedFile):
        original_name = original_name or upload.name
        upload = clean_document_upload(upload, max_bytes=DOCUMENT_MAX_BYTES, label="document")
    document = ChallengeDocument(
        challenge=challenge,
        title=title,
        original_name=(original_name or "")[:255],
        size_bytes=upload.size,
        uploaded_by=by,
    )
    document.file.save(upload.name, upload, save=False)
    save(document)
    audit(by, "challenge.document_added", challenge, title=title)
    return document


@transaction.atomic
def document_remove(*, document: ChallengeDocument, by: User) -> None:
    challenge = lock(document.challenge)
    ensure_challenge_buyer(by, challenge)
    ensure_draft(challenge)
    document.file.delete(save=False)
    document.delete()
    audit(by, "challenge.document_removed", challenge, title=document.title)


# --- Ready to send for approval? ---------------------------------------------------------------


def readiness_problems(challenge: Challenge) -> list[str]:
    """Everything that stops a draft being sent for approval, in words, in page order."""
    problems = []
    phases = list(challenge.phases.prefetch_related("criteria", "questions").order_by("number"))
    if not phases:
        problems.append("Add at least one phase")
    total = sum(p.envelope_pence for p in phases)
    if total > challenge.budget_pence:
        problems.append(
            f"The phase envelopes add up to {format_gbp(total)}, more than the budget of "
            f"{format_gbp(challenge.budget_pence)}"
        )
    if challenge.is_open_call and not challenge.assessment_period_days:
        problems.append("Enter how many days each assessment period lasts")
    for phase in phases:
        weights = sum(c.weight for c in phase.criteria.all())
        if weights != 100:
            problems.append(
                f"The criteria weights of phase {phase.number} add up to {weights}%: "
                "they must add up to 100%"
            )
        if not phase.questions.all():
            problems.append(f"Add at least one question to phase {phase.number}")
    if phases:
        first = phases[0]
        if first.opens_at is None:
            problems.append("Enter when applications open for phase 1")
        if not challenge.is_open_call and first.closes_at is None:
            problems.append("Enter when applications close for phase 1")
        if (
            challenge.question_deadline
            and first.closes_at
            and challenge.question_deadline > first.closes_at
        ):
            problems.append("The deadline for questions must be before applications close")
    if not challenge.uk_wide and challenge.latitude is None:
        problems.append("Say where the challenge applies, or that it is UK-wide")
    return problems
