"""The contract list, the contract page and the contract's own actions: accept (supplier
admin), complete, end early and mark a milestone as not met (commissioners).

Every page loads the contract through ``contract_or_404``: another buyer organisation, a
competing supplier or anyone signed out gets "not found". Actions a role may not take are "not
found" too (a buyer who is not a commissioner sees no review pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from marketplace.core.errors import DomainError

from .. import access, selectors
from ..forms import AcceptForm, CompleteForm, MilestoneNotMetForm, TerminateForm
from ..models import Contract, Milestone
from ..services import contracts as lifecycle
from ._helpers import contract_or_404, posted, show_error

TRANSITIONS = Contract.TRANSITIONS


def _detail(contract: Contract):
    return redirect("contracts:detail", contract.reference)


def _commissioner_only(request, contract: Contract) -> None:
    if not access.is_contract_commissioner(request.user, contract):
        raise Http404("No such page")


@login_required
def contract_list(request):
    contracts = list(selectors.contract_list_for_user(request.user))
    return render(
        request,
        "contracts/list.html",
        {
            "contracts": contracts,
            "is_supplier": selectors.is_supplier_user(request.user),
            "payment_setup": selectors.payment_setup(request.user),
        },
    )


@login_required
def contract_detail(request, reference: str):
    contract = contract_or_404(request, reference)
    user = request.user
    return render(
        request,
        "contracts/detail.html",
        {
            "page": selectors.contract_page(contract),
            "contract": contract,
            "is_supplier_admin": access.is_contract_supplier(user, contract, admin_only=True),
            "is_commissioner": access.is_contract_commissioner(user, contract),
            "active": contract.status == Contract.Status.ACTIVE,
        },
    )


@login_required
def contract_accept(request, reference: str):
    contract = contract_or_404(request, reference)
    if not access.is_contract_supplier(request.user, contract, admin_only=True):
        raise Http404("No such page")
    if not TRANSITIONS.can("accept", contract.status):
        messages.info(request, "This contract has already been accepted or has ended.")
        return _detail(contract)
    form = AcceptForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.contract_accept(
                contract=contract, by=request.user, typed_name=form.cleaned_data["typed_name"]
            )
        except DomainError as error:
            show_error(form, error, fields={"typed_name": "typed_name"})
        else:
            messages.success(request, TRANSITIONS.done("accept"))
            return _detail(contract)
    return render(
        request,
        "contracts/accept.html",
        {
            "contract": contract,
            "form": form,
            "document": selectors.latest_contract_document(contract),
            "page": selectors.contract_page(contract),
        },
    )


@login_required
def contract_complete(request, reference: str):
    contract = contract_or_404(request, reference)
    _commissioner_only(request, contract)
    form = CompleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.contract_complete(contract=contract, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, TRANSITIONS.done("complete"))
        return _detail(contract)
    return render(
        request,
        "contracts/complete.html",
        {
            "contract": contract,
            "form": form,
            "heading": "Mark the contract as completed",
            "button": "Mark as completed",
        },
    )


@login_required
def contract_terminate(request, reference: str):
    contract = contract_or_404(request, reference)
    _commissioner_only(request, contract)
    form = TerminateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.contract_terminate(
                contract=contract, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, TRANSITIONS.done("terminate"))
            return _detail(contract)
    return render(
        request,
        "contracts/terminate.html",
        {
            "contract": contract,
            "form": form,
            "heading": "End the contract early",
            "button": "End the contract",
            "warning": True,
        },
    )


@login_required
def milestone_not_met(request, reference: str, pk: int):
    contract = contract_or_404(request, reference)
    _commissioner_only(request, contract)
    try:
        milestone = selectors.milestone_for_contract(contract, pk)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone") from None
    form = MilestoneNotMetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.milestone_mark_not_met(
                milestone=milestone, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, Milestone.TRANSITIONS.done("mark_not_met"))
            return _detail(contract)
    return render(
        request,
        "contracts/milestone_not_met.html",
        {
            "contract": contract,
            "milestone": milestone,
            "form": form,
            "heading": f"Mark “{milestone.title}” as not met",
            "button": "Mark as not met",
            "warning": True,
        },
    )
