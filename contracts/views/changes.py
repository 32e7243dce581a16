"""Change requests: the supplier proposes (more time, a change of scope, moving money between
milestones, ending early); a commissioner approves or refuses; the supplier may withdraw.

Loaded through ``contract_or_404`` / ``change_or_404`` (404 for anyone outside the contract).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from marketplace.core import idempotency
from marketplace.core.errors import DomainError

from .. import access, selectors
from ..forms import ChangeDecisionForm, ChangeRequestForm
from ..models import ChangeRequest, Contract, Milestone
from ..services import changes as changing
from ._helpers import change_or_404, contract_or_404, posted, show_error

TRANSITIONS = ChangeRequest.TRANSITIONS
PROPOSED = "Change request sent. A commissioner will approve or refuse it."


@login_required
def change_new(request, reference: str):
    contract = contract_or_404(request, reference)
    if not access.is_contract_supplier(request.user, contract, admin_only=True):
        raise Http404("No such page")
    if contract.status != Contract.Status.ACTIVE:
        messages.info(request, "You can ask for a change only while the contract is active.")
        return redirect("contracts:detail", contract.reference)
    # Only milestones not yet claimed can have their value changed.
    milestones = [
        m for m in contract.milestones.all() if Milestone.TRANSITIONS.can("submit", m.status)
    ]
    form = ChangeRequestForm(posted(request), contract=contract, milestones=milestones)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        with idempotency.claim(request, form, scope="contracts.change_request") as once:
            if once.replay_url:
                return redirect(once.replay_url)
            try:
                change = changing.change_request_propose(
                    contract=contract,
                    by=request.user,
                    kind=kind,
                    reason=data["reason"],
                    new_ends_on=data.get("new_ends_on")
                    if kind == ChangeRequest.Kind.EXTENSION
                    else None,
                    scope_text=data.get("scope_text", "")
                    if kind == ChangeRequest.Kind.SCOPE
                    else "",
                    reallocation=data.get("reallocation")
                    if kind == ChangeRequest.Kind.REALLOCATION
                    else None,
                    form_token=data["form_token"],
                )
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, PROPOSED)
                return redirect(once.done(reverse("contracts:change", args=[change.pk])))
    return render(request, "contracts/change_new.html", {"contract": contract, "form": form})


def _change_context(request, change: ChangeRequest, *, form=None) -> dict:
    contract = change.contract
    can_decide = access.is_contract_commissioner(request.user, contract) and TRANSITIONS.can(
        "approve", change.status
    )
    return {
        "change": change,
        "contract": contract,
        "rows": selectors.reallocation_rows(change),
        "form": (form or ChangeDecisionForm()) if can_decide else None,
        "can_withdraw": access.is_contract_supplier(request.user, contract, admin_only=True)
        and TRANSITIONS.can("withdraw", change.status),
    }


@login_required
def change_detail(request, pk: int):
    change = change_or_404(request, pk)
    return render(request, "contracts/change.html", _change_context(request, change))


@login_required
@require_POST
def change_decide(request, pk: int):
    change = change_or_404(request, pk)
    if not access.is_contract_commissioner(request.user, change.contract):
        raise Http404("No such page")
    if not TRANSITIONS.can("approve", change.status):
        messages.info(request, "This change request is not waiting for a decision.")
        return redirect("contracts:change", change.pk)
    form = ChangeDecisionForm(request.POST)
    if form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        try:
            if decision == ChangeDecisionForm.APPROVE:
                changing.change_request_approve(
                    change_request=change, by=request.user, reason=reason
                )
            else:
                changing.change_request_refuse(
                    change_request=change, by=request.user, reason=reason
                )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, TRANSITIONS.done(decision))
            return redirect("contracts:change", change.pk)
    return render(request, "contracts/change.html", _change_context(request, change, form=form))


@login_required
@require_POST
def change_withdraw(request, pk: int):
    change = change_or_404(request, pk)
    if not access.is_contract_supplier(request.user, change.contract, admin_only=True):
        raise Http404("No such page")
    try:
        changing.change_request_withdraw(change_request=change, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, TRANSITIONS.done("withdraw"))
    return redirect("contracts:change", change.pk)
