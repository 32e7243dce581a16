"""Walking one demo challenge through its life with the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from marketplace.accounts.models import Membership, Organisation, Role, User
from suppliers.models import Capability, SupplierProfile

from ..models import (
    Application,
    AssessmentPeriod,
    AssessorAssignment,
    Challenge,
    ClarificationQuestion,
    Phase,
)
from ..services import (
    applications,
    assessment,
    challenges,
    clarifications,
    decisions,
    lifecycle,
)
from .specs import DATA_TERMS, ELIGIBILITY, IP_TERMS, ChallengeSpec, _user

# --- Walking a challenge through its life ------------------------------------------------------


@dataclass
class _Story:
    """The challenge being seeded, and helpers each story uses to move it along."""

    spec: ChallengeSpec
    challenge: Challenge
    owner: User
    applications: dict[str, Application] = field(default_factory=dict)

    def phase(self, number: int | None = None) -> Phase:
        self.challenge.refresh_from_db()
        return self.challenge.phases.get(number=number or self.challenge.current_phase_number)

    # Questions ---------------------------------------------------------------------------------

    def ask(self, supplier_slug: str, question: str) -> ClarificationQuestion:
        return clarifications.clarification_ask(
            challenge=self.challenge, by=_supplier_user(supplier_slug), question=question
        )

    def answer(self, clarification: ClarificationQuestion, answer: str, publish: bool = True):
        clarifications.clarification_answer(
            clarification=clarification, by=self.owner, answer=answer, publish=publish
        )

    # Applications ------------------------------------------------------------------------------

    def draft(self, supplier_slug: str, *, answered: int | None = None) -> Application:
        """Start an application and answer the first ``answered`` questions (all by default)."""
        supplier = SupplierProfile.objects.get(slug=supplier_slug)
        user = _supplier_user(supplier_slug)
        phase = self.phase()
        application = applications.application_start(phase=phase, supplier=supplier, by=user)
        questions = list(phase.questions.all())
        answers = {
            q.pk: _answer_text(q.text, supplier, self.challenge)
            for q in questions[: len(questions) if answered is None else answered]
            if not q.prefill_from
        }
        applications.application_save_answers(application=application, by=user, answers=answers)
        self.applications[supplier_slug] = application
        return application

    def apply(self, *supplier_slugs: str) -> None:
        """Each supplier answers every question, confirms the declarations and submits."""
        for slug in supplier_slugs:
            application = self.draft(slug)
            user = _supplier_user(slug)
            applications.application_declare(
                application=application,
                by=user,
                eligibility_confirmed=True,
                declarations_confirmed=True,
            )
            self.applications[slug] = applications.application_submit(
                application=application, by=user
            )

    # Time ----------------------------------------------------------------------------------------

    def move_back(self, days: int) -> None:
        """Move this challenge's dates and its applications' submission times ``days`` into
        the past, as if the story so far had happened then. UK wall-clock times are kept
        (12pm stays 12pm across a change to or from British Summer Time)."""

        def earlier(value):
            if value is None:
                return None
            local = timezone.localtime(value).replace(tzinfo=None)
            return timezone.make_aware(local - datetime.timedelta(days=days))

        challenge = Challenge.objects.get(pk=self.challenge.pk)
        fields = ["question_deadline", "submitted_at", "approved_at", "opened_at"]
        for name in fields:
            setattr(challenge, name, earlier(getattr(challenge, name)))
        challenge.save(update_fields=fields)
        for phase in challenge.phases.filter(number__lte=challenge.current_phase_number):
            phase.opens_at = earlier(phase.opens_at)
            phase.closes_at = earlier(phase.closes_at)
            phase.save(update_fields=["opens_at", "closes_at"])
            for period in AssessmentPeriod.objects.filter(phase=phase):
                period.starts_at = earlier(period.starts_at)
                period.ends_at = earlier(period.ends_at)
                period.save(update_fields=["starts_at", "ends_at"])
            for application in Application.objects.filter(phase=phase, submitted_at__isnull=False):
                application.submitted_at = earlier(application.submitted_at)
                application.save(update_fields=["submitted_at"])
        if challenge.closed_at:
            phase = challenge.phases.get(number=challenge.current_phase_number)
            Challenge.objects.filter(pk=challenge.pk).update(closed_at=phase.closes_at)
        self.challenge.refresh_from_db()

    # Lifecycle -----------------------------------------------------------------------------------

    def close(self, *, days_ago: int) -> None:
        """Close on time (as beat does), then move the story back to when that happened."""
        lifecycle.challenge_close(challenge=self.challenge)
        self.move_back(days_ago + 1)

    def start_assessment(self) -> None:
        decisions.challenge_start_assessment(challenge=self.challenge, by=self.owner)

    def assign(self, supplier_slug: str, *assessor_emails: str) -> list[AssessorAssignment]:
        return [
            assessment.assignment_create(
                application=self.applications[supplier_slug], assessor=_user(email), by=self.owner
            )
            for email in assessor_emails
        ]

    def score(
        self, assignment: AssessorAssignment, marks: tuple[int, ...], *, submit: bool = True
    ) -> None:
        """The assessor declares no conflict, scores the first len(marks) criteria, submits."""
        assessor = assignment.assessor
        if assignment.status == AssessorAssignment.Status.ASSIGNED:
            assignment = assessment.assignment_declare_no_conflict(
                assignment=assignment, by=assessor
            )
        criteria = list(assignment.application.phase.criteria.all())
        scores = {
            criterion.pk: (mark, _score_comment(criterion.title, mark))
            for criterion, mark in zip(criteria, marks, strict=False)
        }
        assessment.scores_save(assignment=assignment, by=assessor, scores=scores)
        if submit:
            assessment.assignment_submit_scores(assignment=assignment, by=assessor)

    def moderate(self, supplier_slug: str, marks: tuple[int, ...]) -> None:
        application = self.applications[supplier_slug]
        criteria = list(application.phase.criteria.all())
        assessment.consensus_record(
            application=application,
            by=self.owner,
            scores={
                c.pk: (mark, _feedback(c.title, mark), "Agreed at the moderation meeting.")
                for c, mark in zip(criteria, marks, strict=True)
            },
        )

    def assess_fully(self, assessors: tuple[str, ...], marks: dict[str, tuple[int, ...]]) -> None:
        """Every assessor scores every application; the buyer records the consensus."""
        for slug, mark in marks.items():
            for assignment in self.assign(slug, *assessors):
                self.score(assignment, mark)
            self.moderate(slug, mark)

    def decide(self, outcomes: dict[str, str], *, release: bool = True) -> None:
        """Fund, reserve or decline each application with reasons; record the phase decision;
        release the feedback."""
        reasons = {
            "fund": "A strong, well-evidenced proposal that fits within the phase budget.",
            "reserve": "A good proposal just below the funding line; held in reserve.",
            "decline": "The proposal scored below the funding line. See the feedback on each "
            "criterion for where it could be stronger.",
        }
        for slug, decision in outcomes.items():
            decisions.application_decide(
                application=self.applications[slug],
                by=self.owner,
                decision=decision,
                reasons=reasons[decision],
            )
        decisions.challenge_decide(challenge=self.challenge, by=self.owner)
        if release:
            decisions.feedback_release(phase=self.phase(), by=self.owner)
        self.challenge.refresh_from_db()


def _supplier_user(supplier_slug: str) -> User:
    profile = SupplierProfile.objects.select_related("organisation").get(slug=supplier_slug)
    membership = (
        Membership.objects.filter(organisation=profile.organisation, role=Role.SUPPLIER_ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user


def _answer_text(question: str, supplier: SupplierProfile, challenge: Challenge) -> str:
    topic = challenge.title.lower()
    if "deliver" in question:
        return (
            "A short report on what causes the problem and where, a small trial in one area with "
            "weekly measures, and a recommendation on whether to go further. Costs: two people "
            "for 12 weeks, travel, and the trial equipment, within the phase budget."
        )
    if "phase 1" in question:
        return (
            f"Our phase 1 trial of {topic} showed a clear improvement in the trial area against "
            "the baseline, and staff kept using the new way of working after the trial ended."
        )
    if "prototype trial" in question:
        return (
            "We will trial the prototype in three areas for six months with the people "
            "affected and the staff who support them, measuring the agreed outcomes monthly."
        )
    return (
        f"{supplier.legal_name} has worked on problems like this with public bodies in "
        f"{supplier.town}. For \u201c{topic}\u201d we would start by spending two weeks with "
        "the people affected and the staff who support them, then test a small change in one "
        "area and measure it against an agreed baseline every week. We will share what we learn "
        "openly, including what does not work, and stop early if the numbers do not move."
    )


def _score_comment(criterion: str, mark: int) -> str:
    if mark >= 8:
        return f"Strong on {criterion.lower()}: clear, specific and well evidenced."
    if mark >= 5:
        return f"Adequate on {criterion.lower()}, but some claims need evidence."
    return f"Weak on {criterion.lower()}: little detail on how this would work in practice."


def _feedback(criterion: str, mark: int) -> str:
    if mark >= 8:
        return f"The panel found your answer on {criterion.lower()} clear and convincing."
    if mark >= 5:
        return (
            f"Your answer on {criterion.lower()} was sound, but the panel wanted more evidence, "
            "for example results from a previous pilot."
        )
    return (
        f"The panel could not see how your approach would work in practice on "
        f"{criterion.lower()}. Give specific steps, people and measures next time."
    )


def _build(spec: ChallengeSpec, anchor: datetime.datetime) -> Challenge:
    """Create the draft with its phases, criteria and questions, then run its story. Dates
    are ``anchor`` (the next noon) plus the spec's days."""
    owner = _user(spec.owner)
    organisation = Organisation.objects.get(slug=spec.organisation)
    details = {
        "title": spec.title,
        "summary": spec.summary,
        "problem_statement": spec.problem_statement,
        "outcomes_sought": spec.outcomes_sought,
        "who_is_affected": spec.who_is_affected,
        "data_and_assets": spec.data_and_assets,
        "constraints": spec.constraints,
        "procedure": spec.procedure,
        "mode": spec.mode,
        "ip_terms": IP_TERMS,
        "data_terms": DATA_TERMS,
        "eligibility": ELIGIBILITY,
        "required_certifications": [],
        "contact_name": owner.full_name,
        "contact_email": owner.email,
        "budget_pence": spec.budget_pence,
        "question_deadline": (
            anchor + datetime.timedelta(days=spec.question_deadline_in_days)
            if spec.question_deadline_in_days is not None
            else None
        ),
        "assessment_period_days": spec.assessment_period_days,
    }
    challenge = challenges.challenge_create(
        by=owner,
        organisation=organisation,
        details=details,
        capabilities=Capability.objects.filter(slug__in=spec.capabilities),
        co_funders=Organisation.objects.filter(slug__in=spec.co_funders),
    )
    if spec.postcode:
        challenges.challenge_set_place(
            challenge=challenge,
            by=owner,
            uk_wide=False,
            place_name=spec.place_name,
            postcode=spec.postcode,
            radius_miles=spec.radius_miles,
        )

    def when(days: float | None):
        return None if days is None else anchor + datetime.timedelta(days=days)

    for phase_spec in spec.phases:
        phase = challenges.phase_add(
            challenge=challenge,
            by=owner,
            details=challenges.PhaseDetails(
                name=phase_spec.name,
                budget_per_contract_pence=phase_spec.budget_per_contract_pence,
                max_contracts=phase_spec.max_contracts,
                duration_weeks=phase_spec.duration_weeks,
                opens_at=when(phase_spec.opens_in_days),
                closes_at=when(phase_spec.closes_in_days),
                description=phase_spec.description,
                min_assessors=phase_spec.min_assessors,
            ),
        )
        for title, weight, guidance in phase_spec.criteria:
            challenges.criterion_add(
                phase=phase, by=owner, title=title, weight=weight, guidance=guidance
            )
        for text, word_limit, prefill in phase_spec.questions:
            challenges.question_add(
                phase=phase, by=owner, text=text, word_limit=word_limit, prefill_from=prefill
            )

    order = list(Challenge.Status)
    stop = order.index(Challenge.Status(spec.stop))
    if spec.stop != Challenge.Status.DRAFT:
        challenge = lifecycle.challenge_submit_for_review(challenge=challenge, by=owner)
    if spec.stop not in (Challenge.Status.DRAFT, Challenge.Status.IN_REVIEW):
        challenge = lifecycle.challenge_approve(challenge=challenge, by=_user(spec.approver))
        if stop > order.index(Challenge.Status.SCHEDULED):
            # What beat's open_and_close_challenges does when phase 1's opening time comes.
            challenge = lifecycle.challenge_open(challenge=challenge)
    if spec.story is not None:
        spec.story(_Story(spec=spec, challenge=challenge, owner=owner))
    return Challenge.objects.get(pk=challenge.pk)
