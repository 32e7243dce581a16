"""The onboarding question pages: one ``Step`` per page, with how each page's answers are
loaded into its form and saved back through the services, and the task list's sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import forms as f
from .. import services
from ..models import SupplierProfile

# --- Question pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # the question, shown as the page heading
    section: str
    form_class: type
    initial: Callable[[SupplierProfile], dict]
    save: Callable[[SupplierProfile, Any, dict, bool], SupplierProfile]
    template: str = "suppliers/onboarding/step.html"
    caption: str = ""


def _fields(*names: str) -> Callable[[SupplierProfile], dict]:
    return lambda p: {name: getattr(p, name) for name in names}


def _identity_fields(*names: str) -> Callable[[SupplierProfile], dict]:
    """Identity answers as last typed: a change waiting for review is shown, not lost."""
    return lambda p: {
        name: (p.pending_identity or {}).get(name, getattr(p, name)) for name in names
    }


def _update(*names: str, step: str):
    def save(profile, by, data, complete):
        values = {n: data[n] for n in names if n in data}
        if not values and not complete:
            return profile
        return services.profile_update(
            profile=profile, by=by, step=step if complete else None, **values
        )

    return save


def _save_size(profile, by, data, complete):
    return services.profile_set_size(
        profile=profile,
        by=by,
        staff_headcount=data.get("staff_headcount", profile.staff_headcount),
        turnover_pence=data.get("turnover", profile.turnover_pence),
        balance_sheet_pence=data.get("balance_sheet", profile.balance_sheet_pence),
    )


def _size_initial(p):
    return {
        "staff_headcount": p.staff_headcount,
        "turnover": f.pounds_initial(p.turnover_pence),
        "balance_sheet": f.pounds_initial(p.balance_sheet_pence),
    }


def _save_address(profile, by, data, complete):
    lines = {
        name: data.get(name, getattr(profile, name))
        for name in ("address_line_1", "address_line_2", "town")
    }
    if "postcode" in data:
        return services.profile_set_location(
            profile=profile, by=by, postcode=data["postcode"], **lines
        )
    return services.profile_set_address(profile=profile, by=by, **lines)


def _save_regions(profile, by, data, complete):
    if not complete:
        return profile
    return services.profile_set_regions(
        profile=profile,
        by=by,
        regions=data["regions_served"],
        serves_whole_uk=data["serves_whole_uk"],
        remote_delivery=data["remote_delivery"],
    )


def _regions_initial(p):
    """The regions as chosen; before anything is chosen, the region the postcode is in is
    ticked, since most suppliers work where they are based."""
    regions = list(p.regions_served.all())
    if not regions and not p.serves_whole_uk and "regions" not in p.completed_steps:
        regions = [p.region] if p.region_id else []
    return {
        "regions_served": regions,
        "serves_whole_uk": p.serves_whole_uk,
        "remote_delivery": p.remote_delivery,
    }


def _save_capabilities(profile, by, data, complete):
    if not complete:
        return profile
    return services.profile_set_capabilities(
        profile=profile, by=by, capabilities=data["capabilities"]
    )


def _answered_choice(step: str, field: str, none: str):
    def initial(p):
        if step not in p.completed_steps:
            return {}
        return {field: getattr(p, field) or none}

    return initial


def _innovation_initial(p):
    return {
        **_answered_choice("innovation", "innovation_type", f.INNOVATION_NONE)(p),
        "innovation_evidence": p.innovation_evidence,
    }


STEPS: tuple[Step, ...] = (
    Step(
        "name",
        "What is your organisation’s name?",
        "About your organisation",
        f.NameForm,
        _identity_fields("legal_name", "trading_name"),
        _update("legal_name", "trading_name", step="name"),
    ),
    Step(
        "company",
        "Company details",
        "About your organisation",
        f.CompanyForm,
        _identity_fields("company_number", "charity_number", "vat_number"),
        _update("company_number", "charity_number", "vat_number", step="company"),
    ),
    Step(
        "about",
        "Tell us about your organisation",
        "About your organisation",
        f.AboutForm,
        _fields("summary", "website"),
        _update("summary", "website", "logo", step="about"),
        template="suppliers/onboarding/step_upload.html",
    ),
    Step(
        "contact",
        "Who can buyers contact?",
        "About your organisation",
        f.ContactForm,
        _fields("contact_name", "contact_email", "contact_phone"),
        _update("contact_name", "contact_email", "contact_phone", step="contact"),
    ),
    Step(
        "size",
        "How big is your organisation?",
        "Size and type",
        f.SizeForm,
        _size_initial,
        _save_size,
        caption="We work out whether you are a small or medium-sized enterprise (SME) from "
        "these answers.",
    ),
    Step(
        "vcse",
        "Is your organisation a VCSE?",
        "Size and type",
        f.VCSEForm,
        _answered_choice("vcse", "vcse_type", f.VCSE_NONE),
        _update("vcse_type", step="vcse"),
    ),
    Step(
        "address",
        "What is your organisation’s address?",
        "Where you work",
        f.AddressForm,
        _fields("address_line_1", "address_line_2", "town", "postcode"),
        _save_address,
    ),
    Step(
        "regions",
        "Where can you work?",
        "Where you work",
        f.RegionsForm,
        _regions_initial,
        _save_regions,
    ),
    Step(
        "capabilities",
        "Which capabilities does your organisation have?",
        "What you do",
        f.CapabilitiesForm,
        lambda p: {"capabilities": list(p.capabilities.all())},
        _save_capabilities,
        template="suppliers/onboarding/step_capabilities.html",
        caption="Select everything that applies. Buyers search by these.",
    ),
    Step(
        "innovation",
        "What is your innovation claim?",
        "What you do",
        f.InnovationForm,
        _innovation_initial,
        _update("innovation_type", "innovation_evidence", step="innovation"),
    ),
)
STEPS_BY_KEY = {step.key: step for step in STEPS}
# Short names for the task list.
TASK_LABELS = {
    "name": "Organisation name",
    "company": "Company details",
    "about": "Summary, website and logo",
    "contact": "Contact details",
    "size": "Staff, turnover and balance sheet",
    "vcse": "VCSE status",
    "address": "Address",
    "regions": "Regions and remote delivery",
    "capabilities": "Capabilities",
    "innovation": "Innovation claim",
}
SECTIONS = ("About your organisation", "Size and type", "Where you work", "What you do")
