"""What a demo challenge is made of: accounts, organisation keys, phase and challenge specs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.text import slugify

from marketplace.accounts.demo import DEMO_EMAIL_DOMAIN
from marketplace.accounts.models import Role, User

from ..models import (
    Challenge,
)

if TYPE_CHECKING:  # the story module imports these specs
    from .story import _Story

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
