"""Feedback pages: write and edit a review, reply to or dispute one, the public reviews of a
supplier, a buyer's process feedback, and rating a buyer's process or a debrief."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError

from . import selectors
from .forms import DisputeForm, ProcessFeedbackForm, ReplyForm, ReviewForm, UsefulForm
from .models import Review
from .services import process as process_services
from .services import reviews as review_services


def _show_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _get_or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except (ObjectDoesNotExist, ValueError):
        raise Http404("Not found") from None


# --- Public ----------------------------------------------------------------------------------


def supplier_reviews(request, slug: str):
    supplier = _get_or_404(selectors.public_supplier, slug=slug)
    context = {
        "supplier": supplier,
        "rating": selectors.rating_for_suppliers([supplier.pk])[supplier.pk],
        "distribution": selectors.rating_distribution(supplier.pk),
        "record": selectors.delivery_record(supplier.pk),
        "would_work_again": selectors.would_work_again(supplier.pk),
        "reviews": selectors.published_reviews(supplier.pk),
    }
    return render(request, "feedback/supplier_reviews.html", context)


def buyer_feedback(request, slug: str):
    buyer = _get_or_404(selectors.buyer_organisation, slug=slug)
    context = {"buyer": buyer, "feedback": selectors.buyer_feedback(buyer.pk)}
    return render(request, "feedback/buyer_feedback.html", context)


# --- Buyers ----------------------------------------------------------------------------------


def _write(request, reference: str, milestone_id: int | None):
    contract = _get_or_404(selectors.contract_for_reviewer, reference=reference, user=request.user)
    milestone = None
    if milestone_id is not None:
        milestone = contract.milestones.filter(pk=milestone_id).first()
        if milestone is None:
            raise Http404("No such milestone")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.review_submit(
                contract=contract, milestone=milestone, by=request.user, **form.service_kwargs()
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Review sent. Our team will check it before it is published.")
            return redirect("feedback:my_reviews")
    context = {"form": form, "contract": contract, "milestone": milestone}
    return render(request, "feedback/review_form.html", context)


@login_required
def review_contract(request, reference: str):
    return _write(request, reference, None)


@login_required
def review_milestone(request, reference: str, milestone_id: int):
    return _write(request, reference, milestone_id)


@login_required
def review_edit(request, pk: int):
    review = _get_or_404(selectors.review_for_author, pk=pk, user=request.user)
    if not Review.TRANSITIONS.can("edit", review.status):
        messages.info(request, "This review can no longer be changed.")
        return redirect("feedback:my_reviews")
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_from(review))
    if request.method == "POST" and form.is_valid():
        try:
            review_services.review_edit(review=review, by=request.user, **form.service_kwargs())
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, Review.TRANSITIONS.done("edit"))
            return redirect("feedback:my_reviews")
    context = {"form": form, "contract": review.contract, "milestone": review.milestone}
    return render(request, "feedback/review_form.html", {**context, "review": review})


@login_required
def my_reviews(request):
    context = {
        "to_write": selectors.invitations_to_review(request.user),
        "written": selectors.reviews_written(request.user),
        "received": selectors.reviews_received(request.user),
    }
    return render(request, "feedback/my_reviews.html", context)


# --- Suppliers -------------------------------------------------------------------------------


def _supplier_form(request, pk: int, form_class, action, template: str, done: str):
    review = _get_or_404(selectors.review_for_supplier, pk=pk, user=request.user)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(review=review, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, done)
            return redirect("feedback:my_reviews")
    return render(request, template, {"form": form, "review": review})


@login_required
def review_reply(request, pk: int):
    return _supplier_form(
        request,
        pk,
        ReplyForm,
        review_services.reply_submit,
        "feedback/reply_form.html",
        "Reply sent. Our team will check it before it is published.",
    )


@login_required
def review_dispute(request, pk: int):
    return _supplier_form(
        request,
        pk,
        DisputeForm,
        review_services.review_dispute,
        "feedback/dispute_form.html",
        "Thank you. Our moderators will look at this review before deciding on it.",
    )


@login_required
def process_feedback(request, slug: str):
    challenge, supplier = _get_or_404(
        selectors.challenge_for_process_feedback, slug=slug, user=request.user
    )
    form = ProcessFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process_services.process_feedback_submit(
                challenge=challenge, supplier=supplier, by=request.user, ratings=form.ratings()
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Thank you. Your answers are only shown in totals.")
            return redirect("accounts:dashboard")
    context = {"form": form, "challenge": challenge}
    return render(request, "feedback/process_feedback_form.html", context)


@login_required
@require_POST
def debrief_useful(request, pk: int):
    application = _get_or_404(selectors.application_for_debrief, pk=pk, user=request.user)
    form = UsefulForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose yes or no")
        return redirect("accounts:dashboard")
    try:
        process_services.debrief_mark_useful(
            application=application, by=request.user, useful=form.cleaned_data["useful"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thank you for telling us.")
    return redirect("accounts:dashboard")
