"""Buyer pages under /challenges/manage/: my organisation's challenges, drafting each part,
check answers and send for approval, approve or return, cancel, and inviting suppliers.

Every page answers 404 to anyone whose organisation does not run the challenge.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError
from suppliers.selectors import approved_by_slugs

from ..forms.challenges import (
    ChallengeDetailsForm,
    CriterionForm,
    DocumentForm,
    InviteForm,
    PhaseForm,
    PlaceForm,
    QuestionForm,
    ReasonForm,
)
from ..models import Challenge, ChallengeDocument, Criterion, Phase, Question
from ..selectors import challenges as selectors
from ..selectors.suggestions import suggested_suppliers
from ..services import challenges as drafting
from ..services import invitations, lifecycle
from ._helpers import managed_challenge, show_error

TRANSITIONS = Challenge.TRANSITIONS
DETAIL_FIELDS = {"budget_pence": "budget", "question_deadline": "question_deadline_date"}
PHASE_FIELDS = {
    "budget_per_contract_pence": "budget_per_contract",
    "opens_at": "opens_on",
    "closes_at": "closes_on",
}


def _post(request):
    return request.POST if request.method == "POST" else None


@login_required
def index(request):
    organisations = selectors.buyer_organisations(request.user)
    if not organisations.exists():
        raise Http404("Only buyers manage challenges")
    return render(
        request,
        "challenges/manage/index.html",
        {
            "organisations": organisations,
            "challenges": selectors.challenge_list_for_buyer(user=request.user),
            "to_approve": selectors.challenges_to_approve(user=request.user),
        },
    )


@login_required
def create(request):
    organisation = selectors.buyer_organisations(request.user).order_by("name").first()
    if organisation is None:
        raise Http404("Only buyers create challenges")
    form = ChallengeDetailsForm(_post(request), lead=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = drafting.challenge_create(
                by=request.user,
                organisation=organisation,
                details=form.details(),
                capabilities=form.cleaned_data["capabilities"],
                co_funders=form.cleaned_data["co_funders"],
            )
        except DomainError as error:
            show_error(form, error, fields=DETAIL_FIELDS)
        else:
            _warn_solution(request, challenge)
            return redirect("challenges:manage_detail", slug=challenge.slug)
    return render(
        request,
        "challenges/manage/details_form.html",
        {"form": form, "organisation": organisation, "challenge": None},
    )


def _warn_solution(request, challenge):
    for warning in drafting.problem_statement_warnings(challenge.problem_statement):
        messages.warning(request, warning)


@login_required
def detail(request, slug):
    """Check answers: every part with a change link, what is missing, and the next action."""
    challenge = managed_challenge(request, slug, edit=False)
    return render(
        request,
        "challenges/manage/detail.html",
        {
            "challenge": challenge,
            "phases": list(challenge.phases.all()),
            "problems": drafting.readiness_problems(challenge)
            if challenge.status == Challenge.Status.DRAFT
            else [],
            "warnings": drafting.problem_statement_warnings(challenge.problem_statement),
            "can_manage": request.user.has_perm("challenges.manage_challenge", challenge),
            "can_approve": lifecycle.can_approve(request.user, challenge),
        },
    )


@login_required
def edit_details(request, slug):
    challenge = managed_challenge(request, slug)
    form = ChallengeDetailsForm(
        _post(request), lead=challenge.buyer, initial=ChallengeDetailsForm.initial_for(challenge)
    )
    if request.method == "POST" and form.is_valid():
        try:
            drafting.challenge_update(
                challenge=challenge,
                by=request.user,
                details=form.details(),
                capabilities=form.cleaned_data["capabilities"],
                co_funders=form.cleaned_data["co_funders"],
            )
        except DomainError as error:
            show_error(form, error, fields=DETAIL_FIELDS)
        else:
            _warn_solution(request, challenge)
            messages.success(request, "Challenge details saved.")
            return redirect("challenges:manage_detail", slug=challenge.slug)
    return render(
        request,
        "challenges/manage/details_form.html",
        {"form": form, "organisation": challenge.buyer, "challenge": challenge},
    )


@login_required
def edit_place(request, slug):
    challenge = managed_challenge(request, slug)
    initial = {
        "uk_wide": "yes" if challenge.uk_wide else "no",
        "place_name": challenge.place_name,
        "postcode": challenge.place_postcode,
        "radius_miles": challenge.place_radius_miles,
    }
    form = PlaceForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            drafting.challenge_set_place(
                challenge=challenge,
                by=request.user,
                uk_wide=form.cleaned_data["uk_wide"],
                place_name=form.cleaned_data["place_name"],
                postcode=form.cleaned_data["postcode"],
                radius_miles=form.cleaned_data["radius_miles"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "Place saved.")
            return redirect("challenges:manage_detail", slug=challenge.slug)
    return render(
        request, "challenges/manage/place_form.html", {"form": form, "challenge": challenge}
    )


def _phase(challenge, number) -> Phase:
    return get_object_or_404(Phase, challenge=challenge, number=number)


@login_required
def phase_edit(request, slug, number=None):
    """Add a phase (no number) or change one."""
    challenge = managed_challenge(request, slug)
    phase = _phase(challenge, number) if number is not None else None
    form = PhaseForm(_post(request), initial=PhaseForm.initial_for(phase) if phase else None)
    if request.method == "POST" and form.is_valid():
        try:
            if phase is None:
                phase = drafting.phase_add(
                    challenge=challenge, by=request.user, details=form.details()
                )
            else:
                drafting.phase_update(phase=phase, by=request.user, details=form.details())
        except DomainError as error:
            show_error(form, error, fields=PHASE_FIELDS)
        else:
            messages.success(request, f"Phase {phase.number} saved.")
            return redirect("challenges:manage_phase", slug=challenge.slug, number=phase.number)
    return render(
        request,
        "challenges/manage/phase_form.html",
        {"form": form, "challenge": challenge, "phase": phase},
    )


@login_required
def phase_detail(request, slug, number):
    """A phase's criteria and questions, with forms to add more."""
    challenge = managed_challenge(request, slug, edit=False)
    phase = _phase(challenge, number)
    criterion_form = CriterionForm(prefix="criterion")
    question_form = QuestionForm(prefix="question")
    if request.method == "POST":
        if not request.user.has_perm("challenges.manage_challenge", challenge):
            raise Http404("No such challenge")
        if "criterion-title" in request.POST:
            criterion_form = CriterionForm(request.POST, prefix="criterion")
            if criterion_form.is_valid():
                try:
                    drafting.criterion_add(
                        phase=phase, by=request.user, **criterion_form.cleaned_data
                    )
                except DomainError as error:
                    show_error(criterion_form, error)
                else:
                    messages.success(request, "Criterion added.")
                    return redirect(request.path)
        else:
            question_form = QuestionForm(request.POST, prefix="question")
            if question_form.is_valid():
                try:
                    drafting.question_add(
                        phase=phase, by=request.user, **question_form.cleaned_data
                    )
                except DomainError as error:
                    show_error(question_form, error)
                else:
                    messages.success(request, "Question added.")
                    return redirect(request.path)
    criteria = list(phase.criteria.all())
    return render(
        request,
        "challenges/manage/phase_detail.html",
        {
            "challenge": challenge,
            "phase": phase,
            "criteria": criteria,
            "weights_total": sum(c.weight for c in criteria),
            "questions": list(phase.questions.all()),
            "criterion_form": criterion_form,
            "question_form": question_form,
            "is_draft": challenge.status == Challenge.Status.DRAFT,
        },
    )


@login_required
@require_POST
def part_remove(request, slug, kind, pk):
    """Remove a phase, criterion, question or document from a draft."""
    challenge = managed_challenge(request, slug)
    models = {
        "phase": (Phase, "challenge", drafting.phase_remove, "phase"),
        "criterion": (Criterion, "phase__challenge", drafting.criterion_remove, "criterion"),
        "question": (Question, "phase__challenge", drafting.question_remove, "question"),
        "document": (ChallengeDocument, "challenge", drafting.document_remove, "document"),
    }
    if kind not in models:
        raise Http404("Nothing to remove")
    model, owner, remove, argument = models[kind]
    obj = get_object_or_404(model, pk=pk, **{owner: challenge})
    try:
        remove(**{argument: obj, "by": request.user})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The {kind} has been removed.")
    if kind in ("criterion", "question"):
        return redirect("challenges:manage_phase", slug=challenge.slug, number=obj.phase.number)
    return redirect("challenges:manage_detail", slug=challenge.slug)


@login_required
def document_add(request, slug):
    challenge = managed_challenge(request, slug)
    form = DocumentForm(_post(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            drafting.document_add(
                challenge=challenge,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=upload,
                original_name=request.FILES["file"].name,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "Document added.")
            return redirect("challenges:manage_detail", slug=challenge.slug)
    return render(
        request, "challenges/manage/document_form.html", {"form": form, "challenge": challenge}
    )


@login_required
@require_POST
def submit(request, slug):
    challenge = managed_challenge(request, slug)
    try:
        lifecycle.challenge_submit_for_review(challenge=challenge, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, TRANSITIONS.done("submit_for_review"))
    return redirect("challenges:manage_detail", slug=challenge.slug)


@login_required
@require_POST
def approve(request, slug):
    challenge = managed_challenge(request, slug, edit=False)
    if not lifecycle.can_approve(request.user, challenge):
        messages.error(
            request, "A second buyer must approve this challenge, not the person who sent it."
        )
        return redirect("challenges:manage_detail", slug=challenge.slug)
    try:
        lifecycle.challenge_approve(challenge=challenge, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, TRANSITIONS.done("approve"))
    return redirect("challenges:manage_detail", slug=challenge.slug)


def _reason_page(
    request, challenge, *, service, reason_arg, name, label, required_message, title, button
):
    form = ReasonForm(_post(request), label=label, required_message=required_message)
    if request.method == "POST" and form.is_valid():
        try:
            service(challenge=challenge, by=request.user, **{reason_arg: form.cleaned_data["text"]})
        except DomainError as error:
            show_error(form, error, fields={"comments": "text", "reason": "text"})
        else:
            messages.success(request, TRANSITIONS.done(name))
            return redirect("challenges:manage_detail", slug=challenge.slug)
    return render(
        request,
        "challenges/manage/reason_form.html",
        {"form": form, "challenge": challenge, "title": title, "button": button},
    )


@login_required
def return_to_draft(request, slug):
    challenge = managed_challenge(request, slug, edit=False)
    if not lifecycle.can_approve(request.user, challenge):
        raise Http404("No such challenge")
    return _reason_page(
        request,
        challenge,
        service=lifecycle.challenge_return_to_draft,
        reason_arg="comments",
        name="return_to_draft",
        label="What needs to change",
        required_message="Enter what needs to change",
        title="Return the challenge to draft",
        button="Return to draft",
    )


@login_required
def cancel(request, slug):
    challenge = managed_challenge(request, slug)
    return _reason_page(
        request,
        challenge,
        service=lifecycle.challenge_cancel,
        reason_arg="reason",
        name="cancel",
        label="Why are you cancelling this challenge?",
        required_message="Enter why you are cancelling the challenge",
        title="Cancel the challenge",
        button="Cancel the challenge",
    )


@login_required
def invite(request, slug):
    """Suggested suppliers, and inviting the ones ticked to a phase."""
    challenge = managed_challenge(request, slug)
    phases = list(challenge.phases.all())
    current = next((p.pk for p in phases if p.number == challenge.current_phase_number), None)
    form = InviteForm(_post(request), phases=phases, initial={"phase": current})
    slugs = request.POST.getlist("supplier") if request.method == "POST" else []
    if request.method == "POST" and not slugs:
        form.add_error(None, "Choose at least one supplier to invite")
    if request.method == "POST" and form.is_valid():
        phase = next(p for p in phases if p.pk == form.cleaned_data["phase"])
        suppliers = approved_by_slugs(slugs=slugs)
        for supplier in suppliers:
            try:
                invitations.invitation_create(
                    phase=phase,
                    supplier=supplier,
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"{supplier.display_name} has been invited to {phase}.")
        return redirect("challenges:manage_invite", slug=challenge.slug)
    return render(
        request,
        "challenges/manage/invite.html",
        {
            "challenge": challenge,
            "form": form,
            "phases": phases,
            "suggestions": suggested_suppliers(challenge=challenge),
        },
    )


@login_required
def invite_supplier(request, supplier_slug):
    """From a supplier's profile: choose which of my challenges to invite them to."""
    supplier = approved_by_slugs(slugs=[supplier_slug]).first()
    if supplier is None:
        raise Http404("No such supplier")
    if not selectors.buyer_organisations(request.user).exists():
        raise Http404("Only buyers invite suppliers")
    challenges = (
        selectors.challenge_list_for_buyer(user=request.user)
        .filter(status__in=invitations.INVITABLE)
        .prefetch_related("phases")
    )
    phases = [p for c in challenges for p in c.phases.all()]
    form = InviteForm(_post(request), phases=phases)
    form.fields["phase"].choices = [(p.pk, f"{p.challenge.title}: {p}") for p in phases]
    if request.method == "POST" and form.is_valid():
        phase = next(p for p in phases if p.pk == form.cleaned_data["phase"])
        try:
            invitations.invitation_create(
                phase=phase,
                supplier=supplier,
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request, f"{supplier.display_name} has been invited to {phase.challenge.title}."
            )
            return redirect("suppliers:detail", slug=supplier.slug)
    return render(
        request,
        "challenges/manage/invite_supplier.html",
        {"supplier": supplier, "form": form, "has_phases": bool(phases)},
    )
