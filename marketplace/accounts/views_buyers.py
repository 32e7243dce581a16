"""Register a buying organisation: the form, check your answers, and the confirmation page.

The answers wait in the session between the form and "Check your answers"; only the final
POST calls the service. Posting it twice returns the registration already made.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from marketplace.core.errors import DomainError

from . import services_buyers
from .forms import BuyerOrganisationForm
from .models import Organisation
from .selectors import buyer_registration_for_requester, buyer_registrations_for

SESSION_KEY = "buyer_organisation_registration"


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    form = BuyerOrganisationForm(
        request.POST if request.method == "POST" else None,
        initial=request.session.get(SESSION_KEY),
    )
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data
        return redirect("accounts:buyer_register_check")
    return render(request, "accounts/buyers/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def register_check(request):
    answers = request.session.get(SESSION_KEY)
    form = BuyerOrganisationForm(answers or None)
    if not answers or not form.is_valid():
        # Already sent (a second click on "Send"), or nothing to check yet.
        waiting = [
            o for o in buyer_registrations_for(user=request.user) if o.is_verification_pending
        ]
        if waiting:
            return redirect("accounts:buyer_registration", pk=waiting[0].pk)
        return redirect("accounts:buyer_register")
    error = None
    if request.method == "POST":
        try:
            organisation = services_buyers.buyer_organisation_register(
                by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            error = exc.message
        else:
            request.session.pop(SESSION_KEY, None)
            return redirect("accounts:buyer_registration", pk=organisation.pk)
    context = {
        "answers": form.cleaned_data,
        "buyer_type": Organisation.BuyerType(form.cleaned_data["buyer_type"]).label,
        "error": error,
    }
    return render(request, "accounts/buyers/check.html", context)


@login_required
def registration(request, pk: int):
    """Confirmation and status of a registration; only the person who made it can see it."""
    organisation = buyer_registration_for_requester(pk=pk, user=request.user)
    if organisation is None:
        raise Http404("No registration with that address")
    return render(request, "accounts/buyers/registration.html", {"organisation": organisation})
