"""Public challenge pages: the list with filters, the detail page, and the supplier's own
actions there (ask a question, watch, alert preferences)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError
from search.forms import ChallengeSearchForm
from search.results import challenge_objects
from search.views import search_context

from ..forms.challenges import AlertPreferenceForm, AskQuestionForm
from ..models import Challenge
from ..selectors import challenges as selectors
from ..selectors.access import is_challenge_buyer
from ..services import alerts, clarifications
from ._helpers import show_error


def challenge_list(request):
    """Public challenges: a search (``search.forms.ChallengeSearchForm``), open ones by default."""
    context = search_context(request, ChallengeSearchForm, challenge_objects)
    return render(request, "challenges/list.html", {**context, "challenges": context["items"]})


def _public_challenge(slug: str) -> Challenge:
    try:
        return selectors.challenge_get_public(slug=slug)
    except Challenge.DoesNotExist:
        raise Http404("No such challenge") from None


def challenge_detail(request, slug):
    challenge = _public_challenge(slug)
    user = request.user
    supplier = clarifications.supplier_for(user)
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "phases": list(challenge.phases.all()),
            "questions": selectors.published_questions(challenge),
            "my_questions": selectors.questions_asked_by(challenge, user),
            "is_supplier": supplier is not None,
            "supplier": supplier,
            "watching": selectors.is_watching(challenge, user),
            "invited_phases": selectors.invited_phase_numbers(challenge, user),
            "deadline_passed": clarifications.question_deadline_passed(challenge),
            "can_ask": challenge.status in clarifications.ASKABLE,
            "is_buyer": is_challenge_buyer(user, challenge) if user.is_authenticated else False,
        },
    )


@login_required
def ask_question(request, slug):
    challenge = _public_challenge(slug)
    if clarifications.supplier_for(request.user) is None:
        raise Http404("Only approved suppliers can ask questions")
    form = AskQuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            clarifications.clarification_ask(
                challenge=challenge, by=request.user, question=form.cleaned_data["question"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "Your question has been sent to the buyer.")
            return redirect("challenges:detail", slug=challenge.slug)
    return render(request, "challenges/ask.html", {"challenge": challenge, "form": form})


@login_required
@require_POST
def watch(request, slug):
    challenge = _public_challenge(slug)
    try:
        if request.POST.get("action") == "unwatch":
            alerts.challenge_unwatch(challenge=challenge, by=request.user)
            messages.success(request, "You are no longer watching this challenge.")
        else:
            alerts.challenge_watch(challenge=challenge, by=request.user)
            messages.success(
                request, "You are watching this challenge. We will email you new answers."
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("challenges:detail", slug=challenge.slug)


@login_required
def alert_preferences(request):
    if not alerts.is_supplier_user(request.user):
        raise Http404("Only suppliers choose opportunity alerts")
    enabled = alerts.alerts_enabled(request.user)
    form = AlertPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"enabled": "yes" if enabled else "no"},
    )
    if request.method == "POST" and form.is_valid():
        alerts.alert_preference_set(user=request.user, enabled=form.cleaned_data["enabled"])
        messages.success(request, "Your alert choices have been saved.")
        return redirect("challenges:alert_preferences")
    return render(
        request,
        "challenges/alert_preferences.html",
        {"form": form, "watched": selectors.watched_challenges(user=request.user)},
    )
