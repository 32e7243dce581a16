"""Who may do what to a challenge (challenge side).

- ``challenges.manage_challenge``: buyers of the lead or a co-funding organisation.
- ``challenges.approve_challenge``: a second buyer of those organisations, or a programme
  member, never the person who sent it for approval.
- ``challenges.view_challenge``: anyone for public challenges; drafts and challenges in review
  only for those who may manage or approve them.

Views answer 404 (as if the challenge did not exist) to anyone refused.
"""

import rules

from marketplace.accounts.permissions import is_staff


@rules.predicate
def is_challenge_buyer(user, challenge) -> bool:
    from .selectors.access import is_challenge_buyer as check

    return challenge is not None and check(user, challenge)


@rules.predicate
def can_approve_challenge(user, challenge) -> bool:
    from .services.lifecycle import can_approve

    return challenge is not None and can_approve(user, challenge)


@rules.predicate
def is_public_challenge(user, challenge) -> bool:
    return challenge is not None and challenge.is_public


def register_rules() -> None:
    """Register ``challenges.*`` permissions (challenge side); called from ``ready()``."""
    rules.set_perm("challenges.manage_challenge", is_challenge_buyer)
    rules.set_perm("challenges.approve_challenge", can_approve_challenge)
    rules.set_perm(
        "challenges.view_challenge",
        is_public_challenge | is_challenge_buyer | can_approve_challenge | is_staff,
    )


# ===== Application side (CH2) ==================================================================
# - ``challenges.view_application``: people working for the applying supplier (never another
#   supplier, never a buyer through this rule).
# - ``challenges.assess_application``: the assessor an assignment belongs to, once they have
#   declared no conflict.
# - ``challenges.manage_applications``: buyers of the lead or a co-funding organisation.
# Views load private objects through scoped selectors, so refusals are 404s.


@rules.predicate
def works_for_applicant(user, application) -> bool:
    from marketplace.accounts.permissions import has_role

    from .selectors.applications import SUPPLIER_ROLES

    return application is not None and has_role(
        user, application.supplier.organisation, SUPPLIER_ROLES
    )


@rules.predicate
def is_unconflicted_assessor(user, assignment) -> bool:
    from .models import AssessorAssignment

    return (
        assignment is not None
        and assignment.assessor_id == getattr(user, "pk", None)
        and assignment.status
        in (AssessorAssignment.Status.SCORING, AssessorAssignment.Status.SUBMITTED)
    )


def register_application_rules() -> None:
    """Register the application side's ``challenges.*`` permissions; called from ``ready()``."""
    rules.set_perm("challenges.view_application", works_for_applicant)
    rules.set_perm("challenges.assess_application", is_unconflicted_assessor)
    rules.set_perm("challenges.manage_applications", is_challenge_buyer)
