"""Assessor pages under /assessments/: my assignments, declare a conflict (or none), score each
criterion and submit.

Assignments load through ``assignment_for_assessor`` (404 unless it is yours). What an
assessor sees of an application comes only from ``assessor_view_of``, which leaves out the
supplier's identity in blind mode and the content until no conflict is declared.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from marketplace.core.errors import DomainError

from ..forms.assessment import ConflictForm, ScoreForm
from ..models import AssessorAssignment
from ..selectors import assessment as selectors
from ..services import assessment as services
from ._helpers import show_error

AStatus = AssessorAssignment.Status
TRANSITIONS = AssessorAssignment.TRANSITIONS


@login_required
def assessment_list(request):
    assignments = list(selectors.assignments_for_assessor(request.user))
    done = sum(1 for a in assignments if a.status == AStatus.SUBMITTED)
    return render(
        request,
        "challenges/assessment/list.html",
        {
            "to_do": [a for a in assignments if a.status in (AStatus.ASSIGNED, AStatus.SCORING)],
            "conflicts": [a for a in assignments if a.status == AStatus.CONFLICTED],
            "done": [a for a in assignments if a.status == AStatus.SUBMITTED],
            "progress": (done, len(assignments)),
        },
    )


def _own_rows(assignment) -> list[tuple]:
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    return [(c, scores.get(c.pk)) for c in assignment.application.phase.criteria.all()]


@login_required
def assessment_detail(request, pk: int):
    assignment = selectors.assignment_for_assessor(request.user, pk)
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["has_conflict"] == "yes":
                services.assignment_declare_conflict(
                    assignment=assignment, by=request.user, details=form.cleaned_data["details"]
                )
                name = "declare_conflict"
            else:
                services.assignment_declare_no_conflict(assignment=assignment, by=request.user)
                name = "declare_no_conflict"
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, TRANSITIONS.done(name))
            return redirect("challenges:assessment_detail", assignment.pk)
    return render(
        request,
        "challenges/assessment/detail.html",
        {
            "assignment": assignment,
            "view": selectors.assessor_view_of(assignment),
            "form": form,
            "own_rows": _own_rows(assignment),
            "others": selectors.other_scores(assignment),
        },
    )


@login_required
def assessment_score(request, pk: int):
    assignment = selectors.assignment_for_assessor(request.user, pk)
    if assignment.status != AStatus.SCORING:
        messages.info(
            request,
            "You declared a conflict of interest, so you cannot score this application."
            if assignment.status == AStatus.CONFLICTED
            else TRANSITIONS.style(assignment.status).next_step
            or "You have already submitted your scores.",
        )
        return redirect("challenges:assessment_detail", assignment.pk)
    criteria = list(assignment.application.phase.criteria.all())
    form = ScoreForm(
        (request.POST if request.method == "POST" else None),
        criteria=criteria,
        initial_scores={s.criterion_id: s for s in assignment.scores.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(assignment=assignment, by=request.user, scores=form.scores())
            if "submit" in request.POST:
                services.assignment_submit_scores(assignment=assignment, by=request.user)
        except DomainError as error:
            show_error(form, error)
        else:
            if "submit" in request.POST:
                messages.success(request, TRANSITIONS.done("submit_scores"))
            else:
                messages.success(request, "Your scores were saved as a draft")
            return redirect("challenges:assessment_detail", assignment.pk)
    return render(
        request,
        "challenges/assessment/score.html",
        {"assignment": assignment, "view": selectors.assessor_view_of(assignment), "form": form},
    )


@login_required
def assessment_attachment(request, pk: int, attachment_pk: int):
    attachment = selectors.attachment_for_assessor(request.user, pk, attachment_pk)
    extension = os.path.splitext(attachment.file.name)[1].lower()
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=(slugify(attachment.title) or "attachment") + extension,
    )
