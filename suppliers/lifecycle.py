"""The supplier profile's lifecycle, declared once: ``SupplierProfile.TRANSITIONS``.

Status diagram::

    draft ──submit──▶ submitted ──approve──▶ approved ──suspend──▶ suspended
      ▲                  │   │                  ▲                      │
      │                  │   └─reject─▶ rejected│                      │
      │        request_changes                  └──────reinstate───────┘
      │                  ▼
      └── (edit) ◀── changes_requested ──submit──▶ submitted

Services read the allowed-from sets and audit event names from the table, the review screen
reads which decisions are open and what to say when one is made, the dashboard reads the next
step and ``{% status_tag profile %}`` reads the tag colour. Nothing else restates a status.

This module imports no model, so ``models.py`` can build the table inside the class body.
"""

from __future__ import annotations

from marketplace.core.transitions import StatusStyle, Transition, TransitionTable

SUPPLIER_ADMIN = "supplier admin"
PLATFORM_ADMIN = "platform admin"


def profile_transitions(Status) -> TransitionTable:  # noqa: N803 - the model's Status enum
    return TransitionTable(
        prefix="supplier",
        transitions=[
            Transition(
                "submit",
                source={Status.DRAFT, Status.CHANGES_REQUESTED},
                target=Status.SUBMITTED,
                done="{name} has been sent for review.",
                history="Submitted for review",
                who=SUPPLIER_ADMIN,
            ),
            Transition(
                "approve",
                source={Status.SUBMITTED},
                target=Status.APPROVED,
                done="{name} has been approved.",
                history="Approved",
                who=PLATFORM_ADMIN,
            ),
            Transition(
                "request_changes",
                source={Status.SUBMITTED},
                target=Status.CHANGES_REQUESTED,
                done="{name} has been asked to make changes.",
                history="Changes requested",
                who=PLATFORM_ADMIN,
            ),
            Transition(
                "reject",
                source={Status.SUBMITTED},
                target=Status.REJECTED,
                done="{name} has been rejected.",
                history="Rejected",
                who=PLATFORM_ADMIN,
            ),
            Transition(
                "suspend",
                source={Status.APPROVED},
                target=Status.SUSPENDED,
                done="{name} has been suspended.",
                history="Suspended",
                who=PLATFORM_ADMIN,
            ),
            Transition(
                "reinstate",
                source={Status.SUSPENDED},
                target=Status.APPROVED,
                event="reinstated",
                done="{name} has been reinstated.",
                history="Reinstated",
                who=PLATFORM_ADMIN,
            ),
        ],
        styles={
            Status.DRAFT: StatusStyle(
                "grey",
                next_step="Continue",
                description="You have not submitted your profile yet.",
            ),
            Status.SUBMITTED: StatusStyle(
                "blue",
                next_step="Check status",
                description="A platform admin is reviewing your profile. We will email you "
                "when they have made a decision.",
            ),
            Status.CHANGES_REQUESTED: StatusStyle("yellow", next_step="Continue"),
            Status.APPROVED: StatusStyle(
                "green",
                next_step="Update",
                description="Buyers can find you in the supplier directory.",
            ),
            Status.REJECTED: StatusStyle("red", next_step="Check status"),
            Status.SUSPENDED: StatusStyle("red", next_step="Check status"),
        },
    )


# Audit verbs that are not status changes, in words for the review screen's history.
EVENT_LABELS = {
    "supplier.created": "Profile started",
    "supplier.profile_updated": "Profile details changed",
    "supplier.address_set": "Address changed",
    "supplier.location_set": "Location changed",
    "supplier.capabilities_set": "Capabilities changed",
    "supplier.certification_added": "Certificate added",
    "supplier.certification_updated": "Certificate changed",
    "supplier.certification_removed": "Certificate removed",
    "supplier.case_study_added": "Case study added",
    "supplier.case_study_updated": "Case study changed",
    "supplier.case_study_removed": "Case study removed",
    "supplier.listing_added": "Offer added",
    "supplier.listing_updated": "Offer changed",
    "supplier.listing_removed": "Offer removed",
    "supplier.identity_change_requested": "Asked to change who they are",
    "supplier.identity_approved": "Identity changes approved",
    "supplier.identity_rejected": "Identity changes rejected",
}


def event_label(table: TransitionTable, verb: str) -> str:
    """An audit verb in words: a transition's history line, else the label above."""
    label = table.history_label(verb)
    return EVENT_LABELS.get(verb, label)


def editable_statuses(Status) -> frozenset[str]:  # noqa: N803
    """Statuses in which the supplier may change their answers (not while under review, and not
    once rejected or suspended)."""
    return frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.APPROVED})


def reasons_notice(profile) -> dict | None:
    """What the supplier is told about the reviewer's reasons in the profile's current status:
    ``{"kind": "changes" | "decision", "heading", "text"}``, or None when there is nothing."""
    Status = type(profile).Status  # noqa: N806
    if profile.status == Status.CHANGES_REQUESTED and profile.review_reasons:
        return {"kind": "changes", "heading": "Changes needed", "text": profile.review_reasons}
    if profile.status == Status.REJECTED and profile.review_reasons:
        heading = "Why your profile was rejected"
        return {"kind": "decision", "heading": heading, "text": profile.review_reasons}
    if profile.status == Status.SUSPENDED and profile.suspension_reason:
        heading = "Why your profile was suspended"
        return {"kind": "decision", "heading": heading, "text": profile.suspension_reason}
    return None
