"""Claims: the supplier's milestone and outcome claim forms, the claim page (evidence, history,
question and answer), the commissioner's review and evidence downloads.

Claims are loaded through ``claim_or_404`` (404 for anyone outside the contract). Claim forms
carry a one-time ``form_token``: a double click or a retried POST makes one claim and lands on
the same page as the first.
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
from ..caps import allowance_for
from ..forms import ClaimResponseForm, ClaimReviewForm, MilestoneClaimForm, OutcomeClaimForm
from ..models import Claim, ClaimEvidence, Contract, Milestone, OutcomeMetric
from ..services import claims as claiming
from ._helpers import claim_or_404, contract_or_404, download, posted, posted_files, show_error

TRANSITIONS = Claim.TRANSITIONS
SUBMITTED = "Claim submitted. The commissioner will review it and we will email you the decision."


def _supplier_admin_only(request, contract) -> None:
    if not access.is_contract_supplier(request.user, contract, admin_only=True):
        raise Http404("No such page")


def _claim_page(claim: Claim) -> str:
    return reverse("contracts:claim", args=[claim.reference])


@login_required
def milestone_claim(request, reference: str, pk: int):
    contract = contract_or_404(request, reference)
    _supplier_admin_only(request, contract)
    try:
        milestone = selectors.milestone_for_contract(contract, pk)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone") from None
    if contract.status != Contract.Status.ACTIVE:
        messages.info(request, "You can claim only while the contract is active.")
        return redirect("contracts:detail", contract.reference)
    # A POST goes on to the form, so a repeated one lands where the first went.
    if request.method == "GET" and not Milestone.TRANSITIONS.can("submit", milestone.status):
        messages.info(request, "You cannot claim for this milestone now.")
        return redirect("contracts:detail", contract.reference)
    form = MilestoneClaimForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        with idempotency.claim(request, form, scope="contracts.claim_milestone") as once:
            if once.replay_url:
                return redirect(once.replay_url)
            try:
                claim = claiming.claim_submit_milestone(
                    milestone=milestone,
                    by=request.user,
                    notes=form.cleaned_data["notes"],
                    files=form.cleaned_data["evidence"],
                    form_token=form.cleaned_data["form_token"],
                )
            except DomainError as error:
                show_error(form, error, fields={"files": "evidence"})
            else:
                messages.success(request, SUBMITTED)
                return redirect(once.done(_claim_page(claim)))
    return render(
        request,
        "contracts/claim_milestone.html",
        {"contract": contract, "milestone": milestone, "form": form},
    )


@login_required
def outcome_claim(request, reference: str, pk: int):
    contract = contract_or_404(request, reference)
    _supplier_admin_only(request, contract)
    try:
        metric = selectors.metric_for_contract(contract, pk)
    except OutcomeMetric.DoesNotExist:
        raise Http404("No such outcome") from None
    if contract.status != Contract.Status.ACTIVE:
        messages.info(request, "You can claim only while the contract is active.")
        return redirect("contracts:detail", contract.reference)
    form = OutcomeClaimForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with idempotency.claim(request, form, scope="contracts.claim_outcome") as once:
            if once.replay_url:
                return redirect(once.replay_url)
            try:
                claim = claiming.claim_submit_outcome(
                    metric=metric,
                    by=request.user,
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    units=data["units"],
                    notes=data["notes"],
                    files=data["evidence"],
                    form_token=data["form_token"],
                )
            except DomainError as error:
                show_error(form, error, fields={"files": "evidence"})
            else:
                messages.success(request, SUBMITTED)
                return redirect(once.done(_claim_page(claim)))
    units = getattr(form, "cleaned_data", {}).get("units")
    return render(
        request,
        "contracts/claim_outcome.html",
        {
            "contract": contract,
            "metric": metric,
            "form": form,
            "requested_pence": units * metric.tariff_pence if units else None,
        },
    )


def _claim_context(request, claim: Claim, *, review_form=None, response_form=None) -> dict:
    contract = claim.contract
    can_review = access.is_contract_commissioner(request.user, contract)
    can_respond = access.is_contract_supplier(request.user, contract, admin_only=True)
    reviewable = can_review and TRANSITIONS.can("approve", claim.status)
    answerable = can_respond and TRANSITIONS.can("resubmit", claim.status)
    return {
        "claim": claim,
        "contract": contract,
        "evidence": selectors.claim_evidence(claim),
        "history": selectors.claim_history(claim),
        "payment": selectors.claim_payment(claim),
        "allowance": allowance_for(claim) if reviewable else None,
        "review_form": (review_form or ClaimReviewForm(claim=claim)) if reviewable else None,
        "response_form": (response_form or ClaimResponseForm()) if answerable else None,
        "is_commissioner": can_review,
    }


@login_required
def claim_detail(request, reference: str):
    claim = claim_or_404(request, reference)
    return render(request, "contracts/claim.html", _claim_context(request, claim))


@login_required
@require_POST
def claim_review(request, reference: str):
    claim = claim_or_404(request, reference)
    if not access.is_contract_commissioner(request.user, claim.contract):
        raise Http404("No such page")
    if not TRANSITIONS.can("approve", claim.status):
        messages.info(request, "This claim is not waiting for a decision.")
        return redirect("contracts:claim", claim.reference)
    form = ClaimReviewForm(request.POST, claim=claim)
    if form.is_valid():
        try:
            done = _decide(claim, form.cleaned_data, by=request.user)
        except DomainError as error:
            show_error(form, error, fields={"amount_pence": "amount", "reason": _reason(form)})
        else:
            messages.success(request, done)
            return redirect("contracts:claim", claim.reference)
    context = _claim_context(request, claim, review_form=form)
    return render(request, "contracts/claim.html", context, status=200)


def _reason(form) -> str:
    return {
        ClaimReviewForm.APPROVE_PART: "part_reason",
        ClaimReviewForm.REJECT: "reject_reason",
        ClaimReviewForm.QUERY: "question",
    }.get(form.cleaned_data.get("decision"), "")


def _decide(claim: Claim, data: dict, *, by) -> str:
    """Call the one service the decision names; returns the transition's ``done`` message."""
    decision = data["decision"]
    if decision == ClaimReviewForm.APPROVE:
        claiming.claim_approve(claim=claim, by=by)
    elif decision == ClaimReviewForm.APPROVE_PART:
        claiming.claim_approve_part(
            claim=claim,
            by=by,
            reason=data["part_reason"],
            amount_pence=data.get("amount"),
            units=data.get("units"),
        )
    elif decision == ClaimReviewForm.REJECT:
        claiming.claim_reject(claim=claim, by=by, reason=data["reject_reason"])
    else:
        claiming.claim_query(claim=claim, by=by, question=data["question"])
    return TRANSITIONS.done(decision)


@login_required
@require_POST
def claim_respond(request, reference: str):
    claim = claim_or_404(request, reference)
    if not access.is_contract_supplier(request.user, claim.contract, admin_only=True):
        raise Http404("No such page")
    if not TRANSITIONS.can("resubmit", claim.status):
        messages.info(request, "This claim is not waiting for an answer from you.")
        return redirect("contracts:claim", claim.reference)
    form = ClaimResponseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            claiming.claim_respond(
                claim=claim,
                by=request.user,
                answer=form.cleaned_data["answer"],
                files=form.cleaned_data["evidence"],
            )
        except DomainError as error:
            show_error(form, error, fields={"files": "evidence"})
        else:
            messages.success(request, TRANSITIONS.done("resubmit"))
            return redirect("contracts:claim", claim.reference)
    return render(
        request, "contracts/claim.html", _claim_context(request, claim, response_form=form)
    )


@login_required
def evidence_download(request, reference: str, pk: int):
    claim = claim_or_404(request, reference)
    try:
        evidence = selectors.evidence_for_claim(claim, pk)
    except ClaimEvidence.DoesNotExist:
        raise Http404("No such file") from None
    name = evidence.original_name.rsplit(".", 1)[0] or f"evidence-{evidence.pk}"
    return download(evidence.file, name)
