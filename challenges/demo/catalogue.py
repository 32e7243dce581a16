"""The demo challenges: every status, three buyers (data, plus the story each one follows)."""

from __future__ import annotations

from ..models import (
    Challenge,
)
from .specs import (
    CRITERIA_PHASE_2,
    DFT,
    LEEDS,
    MFT,
    PROGRAMME,
    QUESTIONS_PHASE_2,
    README_BUYER,
    ChallengeSpec,
    PhaseSpec,
    _buyer_email,
    _pounds,
)
from .stories import (
    _bins_story,
    _cancelled_story,
    _discharge_story,
    _falls_story,
    _freight_story,
    _outpatients_story,
    _potholes_story,
    _pressure_ulcers_story,
)

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
