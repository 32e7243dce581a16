"""Challenge models, one module per part of the lifecycle."""

from .application import Answer, Application, ApplicationAttachment, DeadlineReminder
from .assessment import AssessorAssignment, ConsensusScore, Score
from .challenge import (
    AlertPreference,
    AssessmentPeriod,
    Challenge,
    ChallengeDocument,
    ChallengeWatch,
    ClarificationQuestion,
    CompetitionInvitation,
    Criterion,
    OpportunityAlert,
    Phase,
    Question,
)

__all__ = [
    "AlertPreference",
    "Answer",
    "Application",
    "ApplicationAttachment",
    "AssessmentPeriod",
    "AssessorAssignment",
    "Challenge",
    "ChallengeDocument",
    "ChallengeWatch",
    "ClarificationQuestion",
    "CompetitionInvitation",
    "ConsensusScore",
    "Criterion",
    "DeadlineReminder",
    "OpportunityAlert",
    "Phase",
    "Question",
    "Score",
]
