"""Each demo challenge's story: how far it goes and what happens on the way."""

from __future__ import annotations

from ..services import (
    assessment,
    decisions,
    lifecycle,
)
from .specs import NORTHERN_SENSORS, README_ASSESSOR, _buyer_email
from .story import _Story

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
