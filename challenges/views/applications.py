"""Supplier pages for an application: start, task list, question pages, attachments, partners,
declarations, check answers and submit, confirmation, withdraw, receipt and feedback.

Every page loads the application through ``application_for_supplier_user``, so an application
of another supplier is "not found" (404), the same as one that does not exist.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from marketplace.core import idempotency
from marketplace.core.errors import DomainError

from ..forms.applications import (
    AnswerForm,
    AttachmentForm,
    DeclarationsForm,
    DetailsForm,
    PartnerSearchForm,
    StartApplicationForm,
    SubmitForm,
)
from ..models import Application, Challenge
from ..selectors import applications as selectors
from ..selectors.assessment import feedback_for_applicant
from ..selectors.challenges import challenge_get_public
from ..services import applications as services
from ._helpers import show_error

DRAFT = Application.Status.DRAFT
TRANSITIONS = Application.TRANSITIONS


def _posted(request):
    """The POST data, or None for a GET (an empty POST is still a POST)."""
    return request.POST if request.method == "POST" else None


def _mine(request, pk: int) -> Application:
    return selectors.application_for_supplier_user(request.user, pk)


def _tasks(application: Application):
    return redirect("challenges:application_tasks", application.pk)


def _draft_or_redirect(request, application: Application):
    if application.status == DRAFT:
        return None
    messages.info(
        request,
        f"You cannot change this application because it is "
        f"{application.get_status_display().lower()}.",
    )
    return _tasks(application)


def _download(file_field, filename: str):
    """Serve a stored file as a download (never inline), under a safe name."""
    if not file_field:
        raise Http404
    extension = os.path.splitext(file_field.name)[1].lower()
    return FileResponse(file_field.open("rb"), as_attachment=True, filename=filename + extension)


# --- Start -------------------------------------------------------------------------------------


@login_required
@require_POST
def start(request, slug: str):
    try:
        challenge = challenge_get_public(slug=slug)
    except Challenge.DoesNotExist:
        raise Http404("No such challenge") from None
    supplier = selectors.supplier_for_user(request.user)
    phase = selectors.current_phase(challenge)
    if supplier is None or phase is None:
        messages.error(request, "Only suppliers on the marketplace can apply for challenges.")
        return redirect("challenges:detail", challenge.slug)
    form = StartApplicationForm(request.POST)
    form.is_valid()
    with idempotency.claim(request, form, scope="challenges.application_start") as claim:
        if claim.replay_url:
            return redirect(claim.replay_url)
        try:
            application = services.application_start(
                phase=phase, supplier=supplier, by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("challenges:detail", challenge.slug)
        return redirect(claim.done(reverse("challenges:application_tasks", args=[application.pk])))


# --- Task list and pages -----------------------------------------------------------------------


@login_required
def tasks(request, pk: int):
    application = _mine(request, pk)
    rows = selectors.question_rows(application)
    return render(
        request,
        "challenges/applications/tasks.html",
        {
            "application": application,
            "challenge": application.phase.challenge,
            "rows": rows,
            "problems": services.problems_before_submit(application),
            "editable": application.status == DRAFT,
            "can_withdraw": TRANSITIONS.can("withdraw", application.status),
            "deadline": application.phase.closes_at
            and services.format_deadline(application.phase.closes_at),
        },
    )


@login_required
def details(request, pk: int):
    application = _mine(request, pk)
    if (gone := _draft_or_redirect(request, application)) is not None:
        return gone
    form = DetailsForm(
        _posted(request),
        initial={"title": application.title, "requested": application.requested_pence},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_details(
                application=application,
                by=request.user,
                title=form.cleaned_data["title"],
                requested_pence=form.cleaned_data["requested"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _tasks(application)
    return render(
        request,
        "challenges/applications/form_page.html",
        {
            "application": application,
            "form": form,
            "heading": "Application details",
            "button": "Save and continue",
        },
    )


@login_required
def question(request, pk: int, question_pk: int):
    application = _mine(request, pk)
    the_question = next((q for q in application.phase.questions.all() if q.pk == question_pk), None)
    if the_question is None:
        raise Http404("No such question")
    if (gone := _draft_or_redirect(request, application)) is not None:
        return gone
    current = selectors.answers_by_question(application).get(the_question.pk)
    form = AnswerForm(
        _posted(request),
        question=the_question,
        initial={"answer": current.text if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.application_save_answers(
                application=application,
                by=request.user,
                answers={the_question.pk: form.cleaned_data["answer"]},
            )
        except DomainError as error:
            show_error(form, error, fields={f"question_{the_question.pk}": "answer"})
        else:
            for warning in warnings:
                messages.warning(request, f"Your answer was saved. {warning}")
            if not warnings:
                messages.success(request, "Your answer was saved")
            return _tasks(application)
    text = form["answer"].value() or ""
    return render(
        request,
        "challenges/applications/question.html",
        {
            "application": application,
            "question": the_question,
            "form": form,
            "words": selectors.count_words(text),
        },
    )


@login_required
def attachments(request, pk: int):
    application = _mine(request, pk)
    form = AttachmentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST":
        if (gone := _draft_or_redirect(request, application)) is not None:
            return gone
        if form.is_valid():
            try:
                services.application_attachment_add(
                    application=application,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, "File uploaded")
                return redirect("challenges:application_attachments", application.pk)
    return render(
        request,
        "challenges/applications/attachments.html",
        {
            "application": application,
            "form": form,
            "attachments": application.attachments.all(),
            "editable": application.status == DRAFT,
        },
    )


@login_required
def attachment_remove(request, pk: int, attachment_pk: int):
    application = _mine(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    if (gone := _draft_or_redirect(request, application)) is not None:
        return gone
    if request.method == "POST":
        try:
            services.application_attachment_remove(attachment=attachment, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{attachment.title} removed")
        return redirect("challenges:application_attachments", application.pk)
    return render(
        request,
        "challenges/applications/confirm.html",
        {
            "application": application,
            "heading": f"Are you sure you want to remove {attachment.title}?",
            "button": "Remove file",
            "warning": True,
            "back": reverse("challenges:application_attachments", args=[application.pk]),
        },
    )


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    application = _mine(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    return _download(attachment.file, slugify(attachment.title) or "attachment")


@login_required
def partners(request, pk: int):
    application = _mine(request, pk)
    search = PartnerSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        found = list(
            selectors.partner_candidates(
                query=search.cleaned_data["q"], exclude=application.supplier
            )
        )
    return render(
        request,
        "challenges/applications/partners.html",
        {
            "application": application,
            "search": search,
            "found": found,
            "partners": application.partners.all(),
            "editable": application.status == DRAFT,
        },
    )


@login_required
@require_POST
def partner_change(request, pk: int, supplier_pk: int, action: str):
    from suppliers.models import SupplierProfile

    application = _mine(request, pk)
    partner = get_object_or_404(SupplierProfile, pk=supplier_pk)
    change = {
        "add": services.application_partner_add,
        "remove": services.application_partner_remove,
    }.get(action)
    if change is None:
        raise Http404
    try:
        change(application=application, by=request.user, partner=partner)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        verb = "added" if action == "add" else "removed"
        messages.success(request, f"{partner.display_name} {verb}")
    return redirect("challenges:application_partners", application.pk)


@login_required
def declarations(request, pk: int):
    application = _mine(request, pk)
    if (gone := _draft_or_redirect(request, application)) is not None:
        return gone
    form = DeclarationsForm(
        _posted(request),
        initial={
            "eligibility_confirmed": application.eligibility_confirmed,
            "declarations_confirmed": application.declarations_confirmed,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_declare(
                application=application, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _tasks(application)
    return render(
        request,
        "challenges/applications/declarations.html",
        {"application": application, "form": form, "challenge": application.phase.challenge},
    )


@login_required
def check(request, pk: int):
    """Check your answers, then submit. The deadline is checked by the service at submit time."""
    application = _mine(request, pk)
    form = SubmitForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(application=application, by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("challenges:application_submitted", application.pk)
    return render(
        request,
        "challenges/applications/check.html",
        {
            "application": application,
            "challenge": application.phase.challenge,
            "rows": selectors.question_rows(application),
            "problems": services.problems_before_submit(application),
            "form": form,
            "editable": application.status == DRAFT,
        },
    )


@login_required
def submitted(request, pk: int):
    application = _mine(request, pk)
    if application.submitted_at is None:
        return _tasks(application)
    return render(
        request,
        "challenges/applications/submitted.html",
        {
            "application": application,
            "submitted_at": services.format_deadline(application.submitted_at),
        },
    )


@login_required
def withdraw(request, pk: int):
    application = _mine(request, pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, TRANSITIONS.done("withdraw"))
        return _tasks(application)
    return render(
        request,
        "challenges/applications/confirm.html",
        {
            "application": application,
            "heading": "Are you sure you want to withdraw this application?",
            "body": "You can start a new application while the challenge is open.",
            "button": "Withdraw application",
            "warning": True,
            "back": reverse("challenges:application_tasks", args=[application.pk]),
        },
    )


@login_required
def receipt(request, pk: int):
    application = _mine(request, pk)
    return _download(application.receipt_pdf, f"application-receipt-{application.pk}")


@login_required
def feedback(request, pk: int):
    application = _mine(request, pk)
    return render(
        request,
        "challenges/applications/feedback.html",
        {"application": application, "scores": feedback_for_applicant(application)},
    )


@login_required
def application_list(request):
    supplier = selectors.supplier_for_user(request.user)
    if supplier is None:
        raise Http404("Only suppliers have applications")
    return render(
        request,
        "challenges/applications/list.html",
        {
            "supplier": supplier,
            "applications": selectors.applications_for_supplier(supplier),
            "invitations": selectors.invitations_for_supplier(supplier),
        },
    )
