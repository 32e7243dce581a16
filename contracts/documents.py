"""What goes into a contract's PDFs: the contract itself (one per version) and the award letter.

``document_context(contract)`` gathers everything the templates in
``contracts/templates/contracts/pdf/`` show, already formatted (money with ``format_gbp``, dates
the GOV.UK way), so the templates only lay it out.
"""

from __future__ import annotations

import datetime
import re
import zlib

from django.conf import settings
from django.utils import timezone

from marketplace.core.dates import uk_datetime
from marketplace.core.money import format_gbp

from .models import ChangeRequest, Contract, ContractDocument

TEMPLATES = {
    ContractDocument.Kind.CONTRACT: "contracts/pdf/contract.html",
    ContractDocument.Kind.AWARD_LETTER: "contracts/pdf/award_letter.html",
}

# Days the supplier has to accept after the decision (the DASA benchmark is about 3 weeks).
ACCEPT_WITHIN_DAYS = 21

# A page object in a PDF's page tree ("/Type /Page", not "/Pages"), and the compressed streams
# WeasyPrint may put those objects in.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)


def uk_date(value: datetime.date | None) -> str:
    """``1 March 2027``; "" for None."""
    return f"{value.day} {value:%B %Y}" if value else ""


def pdf_page_count(pdf: bytes) -> int | None:
    """How many pages a PDF we rendered has: its page objects, counted in the file and inside
    its compressed object streams (WeasyPrint writes PDF 1.7 object streams). None if no page
    object is found. Only ever run on our own WeasyPrint output, never on uploaded files."""
    count = len(_PAGE_OBJECT.findall(pdf))
    for match in _STREAM.finditer(pdf):
        try:
            count += len(_PAGE_OBJECT.findall(zlib.decompress(match.group(1))))
        except zlib.error:
            continue  # not a Flate stream (or not one we can read): no page objects in it
    return count or None


def _supplier_address(supplier) -> str:
    parts = [supplier.address_line_1, supplier.address_line_2, supplier.town, supplier.postcode]
    return ", ".join(p for p in parts if p)


def _milestones(contract: Contract) -> list[dict]:
    rows = []
    for milestone in contract.milestones.all():
        rows.append(
            {
                "order": milestone.order,
                "title": milestone.title,
                "description": milestone.description,
                "evidence_required": milestone.evidence_required,
                "due_on": uk_date(milestone.due_on),
                "value": format_gbp(milestone.value_pence),
                "share": (
                    f"{milestone.value_pence * 100 / contract.value_pence:.0f}%"
                    if contract.value_pence
                    else ""
                ),
            }
        )
    return rows


def _metrics(contract: Contract) -> list[dict]:
    return [
        {
            "name": metric.name,
            "definition": metric.definition,
            "unit": metric.unit,
            "tariff": format_gbp(metric.tariff_pence),
            "target": f"{metric.target:,}",
            "cap": format_gbp(metric.cap_pence),
            "target_value": format_gbp(metric.tariff_pence * metric.target),
            "validation_method": metric.validation_method,
            "reporting_period": metric.get_reporting_period_display(),
            "baseline": "" if metric.baseline is None else f"{metric.baseline:,}",
            "baseline_note": metric.baseline_note,
        }
        for metric in contract.outcome_metrics.all()
    ]


def _changes(contract: Contract) -> list[dict]:
    approved = contract.change_requests.filter(status=ChangeRequest.Status.APPROVED).order_by(
        "resulting_version", "pk"
    )
    return [
        {
            "version": change.resulting_version,
            "kind": change.get_kind_display(),
            "reason": change.reason,
            "decided_on": uk_date(timezone.localdate(change.decided_at))
            if change.decided_at
            else "",
        }
        for change in approved
    ]


def document_context(contract: Contract) -> dict:
    """Everything the contract and award letter templates show, formatted."""
    challenge, phase, supplier = contract.challenge, contract.phase, contract.supplier
    milestone_total = sum(m.value_pence for m in contract.milestones.all())
    decided_on = timezone.localdate(contract.decided_at)
    return {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "contract": contract,
        "reference": contract.reference,
        "version": contract.version,
        "challenge": challenge,
        "phase": phase,
        "buyer": contract.buyer,
        "supplier": supplier,
        "supplier_address": _supplier_address(supplier),
        "owner": contract.owner,
        "value": format_gbp(contract.value_pence),
        "milestone_total": format_gbp(milestone_total),
        "starts_on": uk_date(contract.starts_on),
        "ends_on": uk_date(contract.ends_on),
        "duration_weeks": phase.duration_weeks,
        "decided_on": uk_date(decided_on),
        "accept_by": uk_date(decided_on + datetime.timedelta(days=ACCEPT_WITHIN_DAYS)),
        "milestones": _milestones(contract),
        "metrics": _metrics(contract),
        "changes": _changes(contract),
        "accepted": contract.accepted_at is not None,
        "accepted_name": contract.accepted_name,
        "accepted_at": uk_datetime(contract.accepted_at),
        "accepted_by_email": contract.accepted_by.email if contract.accepted_by else "",
        "generated_on": uk_date(timezone.localdate()),
        "procedure": challenge.get_procedure_display(),
    }
