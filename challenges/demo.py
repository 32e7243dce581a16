"""Demo challenges for ``manage.py seed_demo`` (local use only): every status, three buyers.

Each challenge is walked to where the story leaves it through the same services the pages use
(create, add phases, send for approval, approve, open, ask and answer questions, apply, close,
assess, moderate, decide, release feedback, open the next phase), so audit events are written
and every rule holds. Dates are then moved back where the story needs a past ("closed five days
ago"), because the services stamp the present.

Idempotent: a challenge found by its slug is left alone, so running seed_demo twice changes
nothing. It needs the accounts and suppliers seeders to have run first (its order is after
theirs).

What the README's demo accounts find to do:
- buyer@ (Leeds City Council): a question to answer on "Cutting missed bin collections", an
  application to moderate on "Reducing falls among older people living at home", and a
  challenge a colleague sent for approval.
- assessor@ (the programme, a co-funder of the falls challenge): applications to score, and
  one conflict declared.
- supplier@ (Northern Sensors Ltd): a draft application to the bin collections challenge, a
  funded decision with feedback on the pothole challenge, and an invitation to its phase 2.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from marketplace.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_TOTP_SECRET
from marketplace.accounts.models import Membership, Organisation, Role, User
from suppliers.models import Capability, SupplierProfile

from .models import (
    Application,
    AssessmentPeriod,
    AssessorAssignment,
    Challenge,
    ClarificationQuestion,
    Phase,
)
from .services import (
    applications,
    assessment,
    challenges,
    clarifications,
    decisions,
    lifecycle,
)

STAFF_PASSWORD = "challenges-demo-local"  # noqa: S105 - published demo value, local use only
STAFF_EMAIL_DOMAIN = f"challenges.{DEMO_EMAIL_DOMAIN}"
PROGRAMME = "northern-public-services-innovation-programme"
LEEDS = "leeds-city-council"
MFT = "manchester-university-nhs-foundation-trust"
DFT = "department-for-transport"
NORTHERN_SENSORS = "northern-sensors-ltd"


@dataclass(frozen=True)
class StaffAccount:
    """A colleague of the README's accounts: a second buyer to approve, assessors to score."""

    key: str
    full_name: str
    organisation: str
    role: str

    @property
    def email(self) -> str:
        return f"{self.key}@{STAFF_EMAIL_DOMAIN}"


STAFF = [
    StaffAccount("leeds-buyer", "Mark Ellis", LEEDS, Role.BUYER),
    StaffAccount("leeds-assessor", "Ruth Bennett", LEEDS, Role.ASSESSOR),
    StaffAccount("mft-buyer", "Aisha Rahman", MFT, Role.BUYER),
    StaffAccount("mft-approver", "Daniel Cho", MFT, Role.BUYER),
    StaffAccount("mft-assessor", "Nadia Khan", MFT, Role.ASSESSOR),
    StaffAccount("dft-buyer", "Owen Price", DFT, Role.BUYER),
    StaffAccount("dft-approver", "Grace Hughes", DFT, Role.BUYER),
    StaffAccount("dft-assessor", "Sarah Mills", DFT, Role.ASSESSOR),
    StaffAccount("dft-assessor-2", "Tom Reid", DFT, Role.ASSESSOR),
]


# --- What a challenge is made of ---------------------------------------------------------------

CRITERIA_PHASE_1 = (
    (
        "Understanding of the problem",
        30,
        "Shows who is affected, why it happens and what has been tried before.",
    ),
    ("Quality of the proposed approach", 40, "Is it feasible, and how will you test it?"),
    ("Team and value for money", 30, "The people, partners and costs are right for the work."),
)
CRITERIA_PHASE_2 = (
    ("Evidence from phase 1", 40, "What the feasibility study showed, with numbers."),
    ("Plan for the prototype and trial", 40, "Milestones, risks and how you will measure them."),
    ("Route to wider use", 20, "How other public bodies could adopt it after the trial."),
)
QUESTIONS_PHASE_1 = (
    ("Tell us about your organisation", 250, "summary"),
    ("How would you approach this problem, and how will you know it is working?", 500, ""),
    ("What will you deliver in this phase, and what will it cost?", 300, ""),
)
QUESTIONS_PHASE_2 = (
    ("What did your phase 1 work show?", 500, ""),
    ("How will you run the prototype trial, and with whom?", 500, ""),
)


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    budget_per_contract_pence: int
    max_contracts: int
    duration_weeks: int
    # Days from the next noon; None leaves the date empty (an open call's closing date, or a
    # later phase's).
    opens_in_days: float | None
    closes_in_days: float | None
    description: str = ""
    min_assessors: int = 2
    criteria: tuple = CRITERIA_PHASE_1
    questions: tuple = QUESTIONS_PHASE_1


@dataclass(frozen=True)
class ChallengeSpec:
    title: str
    organisation: str
    owner: str  # user email
    approver: str
    summary: str
    problem_statement: str
    outcomes_sought: str
    who_is_affected: str
    data_and_assets: str
    constraints: str
    budget_pence: int
    phases: tuple[PhaseSpec, ...]
    capabilities: tuple[str, ...]
    mode: str = Challenge.Mode.COMPETITION
    procedure: str = Challenge.Procedure.SBRI
    postcode: str = ""
    place_name: str = ""
    radius_miles: int | None = None
    co_funders: tuple[str, ...] = ()
    assessment_period_days: int | None = None
    question_deadline_in_days: float | None = None
    # Where the story leaves it, and what happens on the way (called with a _Story).
    story: Callable[[_Story], None] | None = None
    stop: str = Challenge.Status.DRAFT

    @property
    def slug(self) -> str:
        return slugify(self.title)[:100]


IP_TERMS = (
    "You keep the intellectual property you create. The buyer gets a free licence to use the "
    "results for public services and may ask you to license them to other public bodies on "
    "fair terms."
)
DATA_TERMS = (
    "Personal data stays in the UK, is processed only for this work, and is deleted or "
    "returned when the contract ends. You will sign a data sharing agreement before any "
    "personal data is shared."
)
ELIGIBILITY = (
    "Open to organisations of any size, including charities and social enterprises. You must "
    "be able to start within 4 weeks of a contract award."
)


def _pounds(pounds: int) -> int:
    return pounds * 100


def _user(email: str) -> User:
    return User.objects.get(email__iexact=email)


def _buyer_email(key: str) -> str:
    return f"{key}@{STAFF_EMAIL_DOMAIN}"


README_BUYER = f"buyer@{DEMO_EMAIL_DOMAIN}"
README_ASSESSOR = f"assessor@{DEMO_EMAIL_DOMAIN}"
README_SUPPLIER = f"supplier@{DEMO_EMAIL_DOMAIN}"


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


# --- The stories -------------------------------------------------------------------------------


def _falls_story(story: _Story) -> None:
    """Mid-assessment: four applications in, assessors assigned, some scores submitted."""
    story.apply(
        "chelmsford-care-connect",
        "clyde-health-robotics-ltd",
        "queens-quarter-health-ltd",
        "plymouth-sound-health-ltd",
    )
    story.close(days_ago=9)
    story.start_assessment()
    ruth = _buyer_email("leeds-assessor")
    # Ready to moderate: both assessors have submitted.
    helen, ruth_a = story.assign("chelmsford-care-connect", README_ASSESSOR, ruth)
    story.score(helen, (8, 7, 7))
    story.score(ruth_a, (6, 8, 6))
    # The programme's assessor is part way through this one.
    helen, ruth_a = story.assign("clyde-health-robotics-ltd", README_ASSESSOR, ruth)
    story.score(ruth_a, (7, 6, 5))
    story.score(helen, (6,), submit=False)
    # A conflict: the buyer must assign someone else.
    helen, ruth_a = story.assign("queens-quarter-health-ltd", README_ASSESSOR, ruth)
    assessment.assignment_declare_conflict(
        assignment=helen,
        by=helen.assessor,
        details="I advised Queen's Quarter Health on a bid last year.",
    )
    story.score(ruth_a, (5, 5, 6), submit=False)
    # Not started.
    story.assign("plymouth-sound-health-ltd", README_ASSESSOR, ruth)


def _bins_story(story: _Story) -> None:
    """Open, with one question answered and published and one waiting for the buyer."""
    published = story.ask(
        "humber-circular-ltd",
        "Can we have the missed collection reports for the last two years, broken down by "
        "round and by week?",
    )
    story.answer(
        published,
        "Yes. Applicants will get two years of anonymised reports by round and week once they "
        "start their application. Addresses are reduced to the street.",
    )
    story.ask(
        NORTHERN_SENSORS,
        "Could phase 1 include fitting sensors to a small number of communal bins, or is it "
        "desk research only?",
    )
    story.apply("humber-circular-ltd")
    story.draft(NORTHERN_SENSORS, answered=1)


def _warm_homes_story(story: _Story) -> None:
    pass


def _cancelled_story(story: _Story) -> None:
    lifecycle.challenge_cancel(
        challenge=story.challenge,
        by=story.owner,
        reason="The council's housing team found the information it needed in existing council "
        "tax records, so this challenge is no longer needed.",
    )


def _discharge_story(story: _Story) -> None:
    """An open call with two assessment periods: two applications in the first (ended), one
    in the current one."""
    story.apply("oxford-clinical-insight-ltd", "brum-health-informatics-ltd")
    story.move_back(40)
    lifecycle.assessment_periods_roll(challenge=story.challenge)
    story.apply("chelmsford-care-connect")


def _outpatients_story(story: _Story) -> None:
    """Decided; the buyer has not released the feedback yet."""
    story.apply("aire-analytics-ltd", "fenland-ai-ltd", "brighton-behavioural-design-ltd")
    story.close(days_ago=30)
    story.start_assessment()
    assessor = (_buyer_email("mft-assessor"),)
    story.assess_fully(
        assessor,
        {
            "brighton-behavioural-design-ltd": (8, 8, 7),
            "aire-analytics-ltd": (7, 6, 7),
            "fenland-ai-ltd": (4, 5, 5),
        },
    )
    story.decide(
        {
            "brighton-behavioural-design-ltd": "fund",
            "aire-analytics-ltd": "reserve",
            "fenland-ai-ltd": "decline",
        },
        release=False,
    )


def _pressure_ulcers_story(story: _Story) -> None:
    story.apply("clyde-health-robotics-ltd", "plymouth-sound-health-ltd")
    story.close(days_ago=3)


def _potholes_story(story: _Story) -> None:
    """Phase 1 decided (two funded, feedback released); phase 2 open to the two only."""
    story.apply(
        NORTHERN_SENSORS,
        "sheffield-steel-robotics-ltd",
        "southwark-vision-systems-ltd",
        "wearside-sensors-ltd",
    )
    story.close(days_ago=150)
    story.start_assessment()
    story.assess_fully(
        (_buyer_email("dft-assessor"), _buyer_email("dft-assessor-2")),
        {
            NORTHERN_SENSORS: (8, 9, 7),
            "sheffield-steel-robotics-ltd": (8, 7, 8),
            "southwark-vision-systems-ltd": (6, 6, 7),
            "wearside-sensors-ltd": (5, 4, 6),
        },
    )
    story.decide(
        {
            NORTHERN_SENSORS: "fund",
            "sheffield-steel-robotics-ltd": "fund",
            "southwark-vision-systems-ltd": "reserve",
            "wearside-sensors-ltd": "decline",
        }
    )
    decisions.phase_open_next(challenge=story.challenge, by=story.owner)
    story.apply("sheffield-steel-robotics-ltd")


def _freight_story(story: _Story) -> None:
    story.apply("ipswich-port-logistics-ltd", "trent-valley-transport-ltd")
    story.close(days_ago=200)
    story.start_assessment()
    story.assess_fully(
        (_buyer_email("dft-assessor"),),
        {"ipswich-port-logistics-ltd": (8, 7, 8), "trent-valley-transport-ltd": (6, 5, 6)},
    )
    story.decide({"ipswich-port-logistics-ltd": "fund", "trent-valley-transport-ltd": "decline"})
    lifecycle.challenge_complete(challenge=story.challenge, by=story.owner)


# --- The challenges ----------------------------------------------------------------------------


def _sbri_phases(
    *,
    feasibility: int,
    feasibility_contracts: int,
    prototype: int,
    prototype_contracts: int,
    opens_in_days: float,
    closes_in_days: float,
    min_assessors: int = 2,
) -> tuple[PhaseSpec, ...]:
    return (
        PhaseSpec(
            "Feasibility",
            _pounds(feasibility),
            feasibility_contracts,
            13,
            opens_in_days,
            closes_in_days,
            "Test whether the idea can work here: desk research, interviews and a small trial.",
            min_assessors=min_assessors,
        ),
        PhaseSpec(
            "Prototype",
            _pounds(prototype),
            prototype_contracts,
            52,
            -2,
            45,
            "Build and trial a working prototype with real users. By invitation: phase 1 "
            "suppliers only.",
            min_assessors=min_assessors,
            criteria=CRITERIA_PHASE_2,
            questions=QUESTIONS_PHASE_2,
        ),
    )


def _single_phase(
    budget: int, contracts: int, opens_in_days: float, closes_in_days: float | None, **kw
) -> tuple[PhaseSpec, ...]:
    return (
        PhaseSpec(
            "Feasibility and trial",
            _pounds(budget),
            contracts,
            26,
            opens_in_days,
            closes_in_days,
            "Explore the problem and trial an approach with the people affected.",
            **kw,
        ),
    )


S = Challenge.Status

CHALLENGES = [
    ChallengeSpec(
        title="Reducing falls among older people living at home",
        organisation=LEEDS,
        owner=README_BUYER,
        approver=_buyer_email("leeds-buyer"),
        summary="Help older people in Leeds stay on their feet at home, so fewer of them end up "
        "in hospital after a fall.",
        problem_statement=(
            "Around 1 in 3 people over 65 in Leeds fall at least once a year. Most falls happen "
            "at home, often at night, and many are not reported until someone is found on the "
            "floor hours later. Falls are the most common reason older people are taken to A&E "
            "by ambulance, and after a hip fracture many never return to living independently. "
            "We want to understand why falls keep happening in the same homes after a first "
            "fall, and to find ways of preventing the second one."
        ),
        outcomes_sought=(
            "A 20% drop in repeat falls among people known to the falls service within 18 "
            "months. Fewer people lying on the floor for more than an hour after a fall. "
            "People and their families saying they feel safer at home."
        ),
        who_is_affected=(
            "People over 65 living at home, their families and carers, home care staff, and "
            "the community falls service."
        ),
        data_and_assets=(
            "Anonymised ambulance call-outs for falls by postcode district (3 years), the falls "
            "service caseload, and access to two community care teams for interviews."
        ),
        constraints=(
            "Nothing may be fitted in a person's home without their consent. Anything that "
            "collects data about people at home must pass a data protection impact assessment."
        ),
        budget_pence=_pounds(1_000_000),
        phases=_sbri_phases(
            feasibility=50_000,
            feasibility_contracts=4,
            prototype=400_000,
            prototype_contracts=2,
            opens_in_days=-42,
            closes_in_days=0,
        ),
        capabilities=("assistive-technology", "remote-monitoring", "care-coordination"),
        postcode="LS2 8BH",
        place_name="Leeds",
        radius_miles=15,
        co_funders=(PROGRAMME,),
        question_deadline_in_days=-14,
        story=_falls_story,
        stop=S.ASSESSING,
    ),
    ChallengeSpec(
        title="Cutting missed bin collections",
        organisation=LEEDS,
        owner=README_BUYER,
        approver=_buyer_email("leeds-buyer"),
        summary="Find out why some streets keep missing their bin collection, and stop it "
        "happening.",
        problem_statement=(
            "Leeds collects around 330,000 bins a week. About 1,400 collections a week are "
            "reported as missed, and the same streets come up again and again: narrow roads "
            "blocked by parked cars, bins put out late, and rounds that run out of time. Every "
            "missed collection means a return trip, an unhappy resident and sometimes fly "
            "tipping. We do not know which of these causes matters most on which streets."
        ),
        outcomes_sought=(
            "Missed collections down by a third on the 50 worst streets within a year, and "
            "fewer return trips by the collection crews."
        ),
        who_is_affected="Residents, refuse collection crews and the council's contact centre.",
        data_and_assets=(
            "Two years of missed collection reports by round and week, round maps, and vehicle "
            "tracking data for the collection fleet."
        ),
        constraints="Crews must not be slowed down during a trial.",
        budget_pence=_pounds(300_000),
        phases=_sbri_phases(
            feasibility=30_000,
            feasibility_contracts=3,
            prototype=100_000,
            prototype_contracts=2,
            opens_in_days=-6,
            closes_in_days=24,
        ),
        capabilities=("circular-economy-and-waste", "environmental-sensors", "asset-tracking"),
        postcode="LS1 1UR",
        place_name="Leeds",
        radius_miles=10,
        question_deadline_in_days=14,
        story=_bins_story,
        stop=S.OPEN,
    ),
    ChallengeSpec(
        title="Helping residents keep their homes warm for less",
        organisation=LEEDS,
        owner=_buyer_email("leeds-buyer"),
        approver=README_BUYER,
        summary="Help households in cold, damp homes cut their heating bills without going cold.",
        problem_statement=(
            "Thousands of Leeds households ration their heating in winter. Many live in older "
            "terraced houses that lose heat quickly, and damp and mould follow. Advice and "
            "grants exist, but the people who need them most rarely take them up. We want to "
            "reach those households and help them stay warm for less."
        ),
        outcomes_sought=(
            "500 households helped in the first winter, with average heating costs down 15% "
            "and fewer reports of damp and mould."
        ),
        who_is_affected="Low-income households, private tenants and landlords.",
        data_and_assets="Energy performance certificates and damp and mould reports by ward.",
        constraints="Work in people's homes needs their consent and the landlord's.",
        budget_pence=_pounds(250_000),
        phases=_single_phase(80_000, 3, 21, 60),
        capabilities=("building-retrofit", "energy-management-systems"),
        question_deadline_in_days=45,
        stop=S.IN_REVIEW,
    ),
    ChallengeSpec(
        title="Keeping gullies clear before heavy rain",
        organisation=LEEDS,
        owner=README_BUYER,
        approver=_buyer_email("leeds-buyer"),
        summary="Know which road gullies are blocked before a storm, not after the flood.",
        problem_statement=(
            "Leeds has about 90,000 road gullies. They are cleaned on a fixed cycle, but some "
            "block within weeks and others stay clear for years. When heavy rain comes, blocked "
            "gullies flood roads and homes. We want to know which gullies need attention, and "
            "when."
        ),
        outcomes_sought="Fewer flooding reports on roads after heavy rain within two years.",
        who_is_affected="Residents and businesses in flood-prone streets; highways crews.",
        data_and_assets="Gully cleaning records and flooding reports for five years.",
        constraints="",
        budget_pence=_pounds(200_000),
        phases=_single_phase(50_000, 3, 30, 75),
        capabilities=("environmental-sensors",),
        stop=S.DRAFT,
    ),
    ChallengeSpec(
        title="Finding empty homes faster",
        organisation=LEEDS,
        owner=README_BUYER,
        approver=_buyer_email("leeds-buyer"),
        summary="Spot homes that have been empty for a long time, so they can be lived in again.",
        problem_statement=(
            "Around 4,000 homes in Leeds have been empty for more than six months while people "
            "wait for housing. The council often finds out late, from complaints about the "
            "state of a property."
        ),
        outcomes_sought="200 long-term empty homes back in use within two years.",
        who_is_affected="People waiting for housing, neighbours of empty homes, owners.",
        data_and_assets="Council tax records and complaints about empty properties.",
        constraints="",
        budget_pence=_pounds(150_000),
        phases=_single_phase(50_000, 2, -3, 30),
        capabilities=("data-analytics-and-insight",),
        stop=S.CANCELLED,
        story=_cancelled_story,
    ),
    ChallengeSpec(
        title="Reducing the time patients wait for discharge",
        organisation=MFT,
        owner=_buyer_email("mft-buyer"),
        approver=_buyer_email("mft-approver"),
        summary="Help patients who are well enough to leave hospital get home on the day they "
        "are ready. Apply at any time: we assess applications every month.",
        problem_statement=(
            "On a typical day more than 200 patients in our hospitals are medically fit to "
            "leave but are still in a hospital bed. They wait for medicines, transport, a care "
            "package or a simple piece of paperwork. Every extra day in hospital makes older "
            "patients weaker, and the beds are needed for people waiting in A&E."
        ),
        outcomes_sought=(
            "Half of patients leave hospital before midday on the day they are ready, up from "
            "a fifth now, within 12 months. Fewer patients waiting more than a day."
        ),
        who_is_affected="Patients and families, ward staff, discharge teams and social care.",
        data_and_assets="Anonymised discharge times and reasons for delay by ward (2 years).",
        constraints="Anything used on the wards must work with the trust's patient record.",
        budget_pence=_pounds(600_000),
        phases=_single_phase(60_000, 10, -1, None, min_assessors=1),
        capabilities=("care-coordination", "clinical-decision-support"),
        mode=Challenge.Mode.OPEN_CALL,
        procedure=Challenge.Procedure.INNOVATION_PARTNERSHIP,
        assessment_period_days=30,
        story=_discharge_story,
        stop=S.OPEN,
    ),
    ChallengeSpec(
        title="Reducing missed outpatient appointments",
        organisation=MFT,
        owner=_buyer_email("mft-buyer"),
        approver=_buyer_email("mft-approver"),
        summary="Fewer empty clinic slots, and patients seen sooner.",
        problem_statement=(
            "About 1 in 12 outpatient appointments are missed without notice. Some patients "
            "never got the letter, some could not get there, and some no longer needed the "
            "appointment. Each empty slot is time another patient waited for."
        ),
        outcomes_sought="Missed appointments down from 8% to 5% in the trial clinics.",
        who_is_affected="Patients, clinic staff and patients on the waiting list.",
        data_and_assets="Anonymised appointment records for three clinics (2 years).",
        constraints="",
        budget_pence=_pounds(200_000),
        phases=_single_phase(60_000, 2, -40, 0, min_assessors=1),
        capabilities=("behaviour-change", "population-health-analytics"),
        story=_outpatients_story,
        stop=S.DECIDED,
    ),
    ChallengeSpec(
        title="Spotting pressure ulcers earlier in care homes",
        organisation=MFT,
        owner=_buyer_email("mft-buyer"),
        approver=_buyer_email("mft-approver"),
        summary="Catch the first signs of pressure damage in care home residents before it "
        "becomes a wound.",
        problem_statement=(
            "Pressure ulcers are painful, slow to heal and mostly preventable. Residents who "
            "cannot move easily are most at risk, and early signs are easy to miss on a busy "
            "shift."
        ),
        outcomes_sought="A 25% drop in pressure ulcers in the trial care homes within a year.",
        who_is_affected="Care home residents, care staff and district nurses.",
        data_and_assets="Tissue viability team records for 12 care homes.",
        constraints="",
        budget_pence=_pounds(150_000),
        phases=_single_phase(50_000, 3, -35, 0, min_assessors=1),
        capabilities=("remote-monitoring", "assistive-technology"),
        story=_pressure_ulcers_story,
        stop=S.CLOSED,
    ),
    ChallengeSpec(
        title="Spotting road surface damage before it becomes a pothole",
        organisation=DFT,
        owner=_buyer_email("dft-buyer"),
        approver=_buyer_email("dft-approver"),
        summary="Find road surface damage early enough to fix it cheaply, on local roads.",
        problem_statement=(
            "Potholes cost councils and drivers hundreds of millions of pounds a year. Most "
            "start as small cracks that let water in, and fixing a crack is far cheaper than "
            "filling a pothole. But local roads are inspected on foot or from a slow vehicle "
            "a few times a year, so cracks are found late."
        ),
        outcomes_sought=(
            "Cracks found within a month of forming on the trial roads, and the cost of repairs "
            "per mile down by a quarter within two years."
        ),
        who_is_affected="Drivers, cyclists, bus operators and highways authorities.",
        data_and_assets="Road condition surveys and repair records from three trial councils.",
        constraints="Nothing may be fixed to the road surface.",
        budget_pence=_pounds(1_500_000),
        phases=_sbri_phases(
            feasibility=60_000,
            feasibility_contracts=4,
            prototype=450_000,
            prototype_contracts=2,
            opens_in_days=-45,
            closes_in_days=0,
        ),
        capabilities=("road-condition-monitoring", "computer-vision", "environmental-sensors"),
        story=_potholes_story,
        stop=S.OPEN,
    ),
    ChallengeSpec(
        title="Keeping rural bus passengers informed in real time",
        organisation=DFT,
        owner=_buyer_email("dft-buyer"),
        approver=_buyer_email("dft-approver"),
        summary="Tell people at rural bus stops when their bus will really arrive.",
        problem_statement=(
            "In rural areas a bus may come once an hour, and many stops have no timetable "
            "display. Passengers do not know whether they have missed the bus or it is late, "
            "so many stop using it."
        ),
        outcomes_sought="Passengers on the trial routes can find out when the next bus will "
        "really arrive, at the stop and by phone, within a year.",
        who_is_affected="Rural bus passengers, especially people without a smartphone.",
        data_and_assets="Bus timetable and location data for the trial routes.",
        constraints="",
        budget_pence=_pounds(400_000),
        phases=_single_phase(75_000, 4, 20, 55),
        capabilities=("public-transport-information",),
        question_deadline_in_days=40,
        stop=S.SCHEDULED,
    ),
    ChallengeSpec(
        title="Making night-time freight deliveries quieter",
        organisation=DFT,
        owner=_buyer_email("dft-buyer"),
        approver=_buyer_email("dft-approver"),
        summary="Let shops take deliveries at night without waking their neighbours.",
        problem_statement=(
            "Deliveries outside rush hour take lorries off busy roads, but noise at night "
            "keeps residents awake, so many councils restrict them."
        ),
        outcomes_sought="Night deliveries in the trial areas with no rise in noise complaints.",
        who_is_affected="Residents near shops, hauliers and retailers.",
        data_and_assets="Noise complaints and delivery times in two trial areas.",
        constraints="",
        budget_pence=_pounds(100_000),
        phases=_single_phase(50_000, 1, -40, 0, min_assessors=1),
        capabilities=("logistics-and-freight",),
        story=_freight_story,
        stop=S.COMPLETE,
    ),
]
del S


# --- Accounts ----------------------------------------------------------------------------------


def _ensure_staff(stdout: TextIO | None) -> None:
    for spec in STAFF:
        user = User.objects.filter(email__iexact=spec.email).first()
        if user is None:
            user = User.objects.create_user(
                email=spec.email, password=STAFF_PASSWORD, full_name=spec.full_name
            )
            if stdout is not None:
                stdout.write(f"Created account {spec.email}\n")
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Membership.objects.get_or_create(
            user=user, organisation=Organisation.objects.get(slug=spec.organisation), role=spec.role
        )
        needs_totp = spec.role == Role.BUYER
        if (
            needs_totp
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)


def accounts_table() -> list[tuple[str, str, str, str]]:
    names = {
        LEEDS: "Leeds City Council",
        MFT: "Manchester University NHS Foundation Trust",
        DFT: "Department for Transport",
    }
    return [
        (
            f"{Role(spec.role).label}, {names[spec.organisation]}",
            spec.email,
            STAFF_PASSWORD,
            "yes" if spec.role == Role.BUYER else "no",
        )
        for spec in STAFF
    ]


# --- Entry point -------------------------------------------------------------------------------


@transaction.atomic
def seed(stdout: TextIO | None = None) -> list[Challenge]:
    """Create the demo challenges that do not exist yet. Returns every demo challenge."""
    missing = [
        slug
        for slug in (LEEDS, MFT, DFT, PROGRAMME, NORTHERN_SENSORS)
        if not Organisation.objects.filter(slug=slug).exists()
    ]
    if missing or not SupplierProfile.objects.filter(slug=NORTHERN_SENSORS).exists():
        if stdout is not None:
            stdout.write("Challenges: seed the demo accounts and suppliers first\n")
        return []
    _ensure_staff(stdout)
    # Dates in the stories are whole days from the next noon (UK time), so the pages show
    # "12pm" as a buyer would set it, not the minute the seed happened to run.
    now = timezone.localtime()
    anchor = now.replace(hour=12, minute=0, second=0, microsecond=0)
    if anchor <= now:
        anchor += datetime.timedelta(days=1)
    created = 0
    for spec in CHALLENGES:
        if Challenge.objects.filter(slug=spec.slug).exists():
            continue
        _build(spec, anchor)
        created += 1
    if stdout is not None:
        stdout.write(f"Challenges: {len(CHALLENGES)} demo challenges ({created} new)\n")
    return list(Challenge.objects.filter(slug__in=[spec.slug for spec in CHALLENGES]))
