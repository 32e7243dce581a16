"""The buyer's Q&A inbox: answer privately, or publish the answer to everyone anonymised."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from marketplace.core.errors import DomainError

from ..forms.challenges import AnswerForm
from ..models import ClarificationQuestion
from ..selectors.challenges import clarification_inbox
from ..services.clarifications import clarification_answer
from ._helpers import managed_challenge, show_error


@login_required
def inbox(request, slug):
    challenge = managed_challenge(request, slug)
    return render(
        request,
        "challenges/manage/questions.html",
        {"challenge": challenge, "clarifications": clarification_inbox(challenge)},
    )


@login_required
def answer(request, slug, pk):
    challenge = managed_challenge(request, slug)
    clarification = get_object_or_404(ClarificationQuestion, pk=pk, challenge=challenge)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        publish = form.cleaned_data["publish"]
        try:
            clarification_answer(
                clarification=clarification,
                by=request.user,
                answer=form.cleaned_data["answer"],
                publish=publish,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                ClarificationQuestion.TRANSITIONS.done("publish" if publish else "decline"),
            )
            return redirect("challenges:manage_questions", slug=challenge.slug)
    return render(
        request,
        "challenges/manage/answer.html",
        {"challenge": challenge, "clarification": clarification, "form": form},
    )
