"""``{% application_panel challenge as panel %}``: what the challenge page's apply panel shows
this user ("Start your application", "Continue your application", "You applied on ...",
"Invited", or why they cannot apply)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from challenges.models import Application, Challenge
from challenges.selectors import applications as selectors
from challenges.services.applications import deadline_passed, format_deadline
from suppliers.models import SupplierProfile

register = template.Library()


@dataclass
class Panel:
    state: str  # start | continue | applied | decided | cannot
    message: str = ""
    application: Application | None = None
    invited: bool = False
    deadline: str = ""
    applied_on: str = ""


def panel_for(challenge: Challenge, user) -> Panel:
    phase = selectors.current_phase(challenge)
    deadline = format_deadline(phase.closes_at) if phase and phase.closes_at else ""
    if not getattr(user, "is_authenticated", False):
        return Panel(
            "cannot", "Sign in as a supplier to apply for this challenge.", deadline=deadline
        )
    supplier = selectors.supplier_for_user(user)
    if supplier is None:
        return Panel("cannot", "Only suppliers on the marketplace can apply.", deadline=deadline)
    if phase is None:
        return Panel("cannot", "This challenge is not taking applications.")
    application = selectors.live_application(phase, supplier)
    invited = selectors.supplier_invited_to(phase, supplier)
    if application is not None:
        if application.status == Application.Status.DRAFT:
            return Panel("continue", application=application, invited=invited, deadline=deadline)
        if application.submitted_at:
            return Panel(
                "applied",
                application=application,
                invited=invited,
                deadline=deadline,
                applied_on=format_deadline(application.submitted_at),
            )
    if supplier.status != SupplierProfile.Status.APPROVED:
        return Panel("cannot", "Your supplier profile must be approved before you can apply.")
    if phase.by_invitation_only and not invited:
        return Panel(
            "cannot",
            f"Phase {phase.number} is open only to suppliers funded in phase {phase.number - 1}.",
        )
    if challenge.status != Challenge.Status.OPEN or deadline_passed(phase, now=timezone.now()):
        return Panel("cannot", "This challenge is not taking applications.", invited=invited)
    return Panel("start", invited=invited, deadline=deadline)


@register.simple_tag(takes_context=True)
def application_panel(context, challenge: Challenge) -> Panel:
    request = context.get("request")
    return panel_for(challenge, getattr(request, "user", None))


@register.simple_tag
def start_form():
    from challenges.forms.applications import StartApplicationForm

    return StartApplicationForm()


@register.filter
def pounds(pence) -> str:
    """Integer pence as pounds for display: ``5000000`` -> ``£50,000``."""
    from marketplace.core.money import format_gbp

    return format_gbp(pence) if isinstance(pence, int) else ""
