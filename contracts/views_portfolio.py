"""The commissioner portfolio, /commissioning/: contracts with red/amber/green, milestones due and
overdue, claims waiting for review, spend against budget and outcomes against targets (charts
with the same figures in tables), a CSV export, the finance team's remittance file and
portfolio decisions (scale up, extend, continue, stop).

Only commissioners of a buying organisation have a portfolio; everyone else gets a 404 (and the
anonymous are sent to sign in). Commissioners' sessions have passed the second factor: the
two-factor middleware signs out any that have not.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from marketplace.core.errors import DomainError
from marketplace.core.money import format_gbp

from . import charts
from . import selectors_portfolio as selectors
from .models import Contract, PortfolioDecision
from .services.contracts import portfolio_decision_record
from .services.payments import remittance_export


def _org_ids(request) -> set[int]:
    org_ids = selectors.commissioner_organisation_ids(request.user)
    if not org_ids:
        raise Http404("You are not a commissioner of a buying organisation")
    return org_ids


def spend_chart(spend: list[selectors.PhaseSpend]) -> charts.Chart:
    series = (
        charts.Series("Budget", charts.GREY),
        charts.Series("Contracted", charts.PURPLE),
        charts.Series("Approved", charts.BLUE),
        charts.Series("Paid", charts.GREEN),
    )
    groups = tuple(
        charts.Group(
            row.label,
            tuple(
                charts.Bar(pence, format_gbp(pence))
                for pence in (
                    row.budget_pence,
                    row.contracted_pence,
                    row.committed_pence,
                    row.paid_pence,
                )
            ),
        )
        for row in spend
    )
    return charts.Chart(
        key="spend",
        title="Spend against budget by challenge phase",
        description=(
            "For each challenge phase: the phase budget, the value of its contracts, the money "
            "approved against claims and the money paid. The table below gives the figures."
        ),
        series=series,
        groups=groups,
        headings=("Challenge phase", *(s.label for s in series)),
    )


def outcomes_chart(metrics) -> charts.Chart:
    series = (charts.Series("Target", charts.GREY), charts.Series("Verified", charts.GREEN))
    groups = []
    for metric in metrics:
        share = round(100 * metric.verified_units / metric.target) if metric.target else 0
        groups.append(
            charts.Group(
                f"{metric.name} ({metric.contract.supplier.display_name})",
                (
                    # Bars are drawn as a share of the target, so metrics of any size compare.
                    charts.Bar(100, f"{metric.target:,}"),
                    charts.Bar(share, f"{metric.verified_units:,} ({share}% of target)"),
                ),
            )
        )
    return charts.Chart(
        key="outcomes",
        title="Outcomes verified against targets",
        description=(
            "For each outcome measure: the target and the number of outcomes verified so far, "
            "as a share of the target. The table below gives the figures."
        ),
        series=series,
        groups=tuple(groups),
        headings=("Outcome", "Target (outcomes)", "Verified (outcomes)"),
    )


def _days_waiting(claim, today) -> int:
    return (today - timezone.localtime(claim.submitted_at).date()).days


# GOV.UK tag colours for red/amber/green (there is no amber tag; orange is the GOV.UK choice).
RAG_COLOURS = {Contract.Rag.GREEN: "green", Contract.Rag.AMBER: "orange", Contract.Rag.RED: "red"}


@login_required
def portfolio(request):
    org_ids = _org_ids(request)
    today = timezone.localdate()
    contracts = list(selectors.portfolio_contracts(org_ids=org_ids, today=today))
    spend = selectors.spend_by_phase(org_ids=org_ids)
    metrics = list(selectors.outcomes_by_metric(org_ids=org_ids))
    claims = list(selectors.claims_awaiting_review(org_ids=org_ids))
    for claim in claims:
        claim.days_waiting = _days_waiting(claim, today)
        claim.requested_gbp = format_gbp(claim.requested_pence)
    decisions = dict(PortfolioDecision.Decision.choices)
    for contract in contracts:
        contract.rag_colour = RAG_COLOURS.get(contract.rag, "grey")
        contract.paid_gbp = format_gbp(contract.paid_pence)
        contract.value_gbp = format_gbp(contract.value_pence)
        contract.latest_decision_label = decisions.get(contract.latest_decision, "")
    totals = selectors.portfolio_totals(spend=spend, contracts=contracts)
    return render(
        request,
        "contracts/portfolio/index.html",
        {
            "contracts": contracts,
            "milestones": list(selectors.milestones_due(org_ids=org_ids, today=today)),
            "claims": claims,
            "spend": spend,
            "metrics": metrics,
            "totals": totals,
            "totals_gbp": {
                "value": format_gbp(totals.value_pence),
                "committed": format_gbp(totals.committed_pence),
                "paid": format_gbp(totals.paid_pence),
            },
            "spend_chart": spend_chart(spend),
            "outcomes_chart": outcomes_chart(metrics),
            "due_soon_days": selectors.DUE_SOON_DAYS,
        },
    )


# Spreadsheet programs run a cell starting with one of these as a formula: CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


EXPORT_HEADER = [
    "Reference",
    "Title",
    "Challenge",
    "Phase",
    "Supplier",
    "Buyer",
    "Status",
    "RAG",
    "Value (£)",
    "Approved (£)",
    "Paid (£)",
    "Starts",
    "Ends",
    "Milestones overdue",
    "Milestones due soon",
    "Claims waiting",
    "Latest decision",
]


def _pounds(pence: int) -> str:
    return f"{pence / 100:.2f}" if pence % 100 else str(pence // 100)


@login_required
def export_csv(request):
    org_ids = _org_ids(request)
    decisions = dict(PortfolioDecision.Decision.choices)
    rows = (
        [
            c.reference,
            c.title,
            c.challenge.title,
            f"{c.phase.number}: {c.phase.name}",
            c.supplier.display_name,
            c.buyer.name,
            c.get_status_display(),
            c.get_rag_display(),
            _pounds(c.value_pence),
            _pounds(c.committed_pence),
            _pounds(c.paid_pence),
            c.starts_on.isoformat(),
            c.ends_on.isoformat(),
            c.milestones_overdue,
            c.milestones_due,
            c.claims_waiting,
            decisions.get(c.latest_decision, ""),
        ]
        for c in selectors.portfolio_contracts(org_ids=org_ids)
    )
    filename = f"portfolio-{timezone.localdate().isoformat()}.csv"
    return _csv_response(filename, EXPORT_HEADER, rows)


@login_required
def remittance_csv(request):
    """The ledger payments waiting for the finance team, as the file they import (each
    payment's first export is recorded)."""
    org_ids = _org_ids(request)
    payments = selectors.ledger_payments_for_remittance(org_ids=org_ids)
    text = remittance_export(payments=payments, by=request.user)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"remittance-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What have you decided?",
        choices=PortfolioDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you have decided"},
    )
    notes = forms.CharField(
        label="Why? Give the reasons and anything agreed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for your decision"},
    )


@login_required
def decision(request, reference: str):
    org_ids = _org_ids(request)
    try:
        contract = selectors.portfolio_contract(org_ids=org_ids, reference=reference)
    except Contract.DoesNotExist:
        raise Http404("No such contract in your portfolio") from None
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = portfolio_decision_record(
                contract=contract,
                by=request.user,
                decision=form.cleaned_data["decision"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Decision recorded for {contract.reference}: {recorded.get_decision_display()}",
            )
            return redirect("contracts:portfolio")
    history = contract.portfolio_decisions.select_related("decided_by")
    return render(
        request,
        "contracts/portfolio/decision.html",
        {"contract": contract, "form": form, "history": history},
    )
