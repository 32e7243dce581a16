"""Buyer pages under /challenges/manage/<slug>/applications/: the applications with their
assessment progress, assigning assessors, moderation with the spread of scores, ranking and the
funding line, decisions with reasons, releasing feedback and opening the next phase.

Every page loads the challenge through ``challenge_for_buyer`` (404 unless the user is a buyer
of an organisation running it).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError

from ..forms.assessment import AssignForm, DecisionForm, IneligibleForm, ModerationForm
from ..models import Application, AssessorAssignment, Challenge
from ..selectors import assessment as selectors
from ..services import assessment as assessing
from ..services import decisions
from ._helpers import show_error

TRANSITIONS = Application.TRANSITIONS
C_TRANSITIONS = Challenge.TRANSITIONS


def _phase(challenge: Challenge, number: int | None):
    number = number or challenge.current_phase_number
    phase = next((p for p in challenge.phases.all() if p.number == number), None)
    if phase is None:
        raise Http404("No such phase")
    return phase


def _back(challenge, application=None):
    if application is not None:
        return redirect("challenges:manage_application", challenge.slug, application.pk)
    return redirect("challenges:manage_applications", challenge.slug)


@login_required
def application_list(request, slug: str):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    number = request.GET.get("phase", "")
    phase = _phase(challenge, int(number) if number.isdigit() and len(number) < 4 else None)
    # Open calls: one assessment period at a time (``?period=2``), else the whole phase.
    periods = list(phase.periods.all())
    wanted = request.GET.get("period", "")
    period = next((p for p in periods if str(p.number) == wanted), None)
    line = selectors.funding_line(phase, period=period)
    applications = selectors.applications_for_buyer(phase)
    if period is not None:
        applications = applications.filter(period=period)
    return render(
        request,
        "challenges/assessment/manage_list.html",
        {
            "challenge": challenge,
            "phase": phase,
            "phases": challenge.phases.all(),
            "applications": applications,
            "periods": periods,
            "period": period,
            "line": line,
            "can_start": C_TRANSITIONS.can("start_assessment", challenge.status),
            "can_decide": C_TRANSITIONS.can("decide", challenge.status),
            "can_release": phase.decided_at is not None and phase.feedback_released_at is None,
            "can_open_next": challenge.status == Challenge.Status.DECIDED
            and any(p.number == phase.number + 1 for p in challenge.phases.all()),
        },
    )


@login_required
def application_detail(request, slug: str, pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    return _detail_with(request, challenge, application)


def _detail_with(request, challenge, application, **forms):
    """The detail page, with any forms given (a form with errors, after a POST)."""
    spreads = assessing.score_spread(application)
    existing = {c.criterion_id: c for c in application.consensus_scores.all()}
    context = {
        "challenge": challenge,
        "application": application,
        "assignments": application.assignments.all(),
        "assign_form": AssignForm(candidates=assessing.assessor_candidates(challenge)),
        "spreads": spreads,
        "moderation_form": ModerationForm(spreads=spreads, existing=existing),
        "decision_form": DecisionForm(),
        "ineligible_form": IneligibleForm(auto_id="id_ineligible_%s"),
        "scoring_complete": assessing.scoring_complete(application),
        "min_assessors": application.phase.min_assessors,
        **forms,
    }
    return render(request, "challenges/assessment/manage_detail.html", context)


@login_required
@require_POST
def assign(request, slug: str, pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    form = AssignForm(request.POST, candidates=assessing.assessor_candidates(challenge))
    if form.is_valid():
        try:
            assessing.assignment_create(
                application=application, assessor=form.cleaned_data["assessor"], by=request.user
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['assessor']} assigned")
            return _back(challenge, application)
    return _detail_with(request, challenge, application, assign_form=form)


@login_required
@require_POST
def unassign(request, slug: str, pk: int, assignment_pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    assignment = get_object_or_404(AssessorAssignment, pk=assignment_pk, application=application)
    try:
        assessing.assignment_remove(assignment=assignment, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Assessor removed")
    return _back(challenge, application)


@login_required
@require_POST
def moderate(request, slug: str, pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    form = ModerationForm(request.POST, spreads=assessing.score_spread(application))
    if form.is_valid():
        try:
            assessing.consensus_record(
                application=application, by=request.user, scores=form.scores()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "Consensus scores recorded")
            return _back(challenge, application)
    return _detail_with(request, challenge, application, moderation_form=form)


@login_required
@require_POST
def decide(request, slug: str, pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decisions.application_decide(
                application=application,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "Decision recorded")
            return _back(challenge)
    return _detail_with(request, challenge, application, decision_form=form)


@login_required
@require_POST
def shortlist(request, slug: str, pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    try:
        decisions.application_shortlist(application=application, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, TRANSITIONS.done("shortlist"))
    return _back(challenge, application)


@login_required
@require_POST
def mark_ineligible(request, slug: str, pk: int):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    application = selectors.application_for_buyer(request.user, challenge, pk)
    form = IneligibleForm(request.POST, auto_id="id_ineligible_%s")
    if form.is_valid():
        try:
            decisions.application_mark_ineligible(
                application=application, by=request.user, reasons=form.cleaned_data["reasons"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, TRANSITIONS.done("mark_ineligible"))
            return _back(challenge, application)
    return _detail_with(request, challenge, application, ineligible_form=form)


def _challenge_action(request, slug: str, action):
    challenge = selectors.challenge_for_buyer(request.user, slug)
    try:
        message = action(challenge)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return _back(challenge)


@login_required
@require_POST
def start_assessment(request, slug: str):
    def act(challenge):
        decisions.challenge_start_assessment(challenge=challenge, by=request.user)
        return C_TRANSITIONS.done("start_assessment")

    return _challenge_action(request, slug, act)


@login_required
@require_POST
def challenge_decide(request, slug: str):
    def act(challenge):
        decisions.challenge_decide(challenge=challenge, by=request.user)
        return C_TRANSITIONS.done("decide")

    return _challenge_action(request, slug, act)


@login_required
@require_POST
def release_feedback(request, slug: str):
    def act(challenge):
        decisions.feedback_release(phase=_phase(challenge, None), by=request.user)
        return "Feedback released to every applicant"

    return _challenge_action(request, slug, act)


@login_required
@require_POST
def open_next_phase(request, slug: str):
    def act(challenge):
        challenge = decisions.phase_open_next(challenge=challenge, by=request.user)
        return f"Phase {challenge.current_phase_number} is open to the suppliers funded before"

    return _challenge_action(request, slug, act)
