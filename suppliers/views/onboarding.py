"""Joining the marketplace and editing the supplier profile (owned by the onboarding work).

Short question pages, one thing per page, each saving the draft. Answers that pass their checks
are saved even when another answer on the same page is wrong, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from marketplace.accounts.models import Role
from marketplace.core.errors import DomainError, ValidationFailed
from marketplace.core.money import format_gbp

from .. import forms as f
from .. import services
from ..completeness import CHECKS_BY_KEY, completeness
from ..models import CaseStudy, Certification, Listing, SupplierProfile

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
        _fields("legal_name", "trading_name"),
        _update("legal_name", "trading_name", step="name"),
    ),
    Step(
        "company",
        "Company details",
        "About your organisation",
        f.CompanyForm,
        _fields("company_number", "charity_number", "vat_number"),
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
        lambda p: {
            "regions_served": list(p.regions_served.all()),
            "serves_whole_uk": p.serves_whole_uk,
            "remote_delivery": p.remote_delivery,
        },
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


def _profile_for(request, slug: str, perm: str) -> SupplierProfile:
    profile = get_object_or_404(
        SupplierProfile.objects.select_related("organisation", "region"), slug=slug
    )
    if not allowed(request.user, perm, profile):
        raise PermissionDenied
    return profile


def allowed(user, perm: str, profile: SupplierProfile) -> bool:
    """Check the suppliers.* rule itself, without Django's superuser bypass: platform admins
    change a profile only through the review screens, never by editing the supplier's answers."""
    return rules.has_perm(perm, user, profile)


def _next_url(profile: SupplierProfile, step: Step, request) -> str:
    if request.GET.get("next") == "check":
        return reverse("suppliers:join_check", args=[profile.slug])
    keys = [s.key for s in STEPS]
    index = keys.index(step.key)
    if "later" in request.POST or index + 1 >= len(keys):
        return reverse("suppliers:join_tasks", args=[profile.slug])
    return reverse("suppliers:join_step", args=[profile.slug, keys[index + 1]])


def _save_step(step: Step, form, profile, user) -> bool:
    """Save what is valid. Returns True when the whole page was answered and saved."""
    complete = form.is_valid()
    data = dict(form.cleaned_data)
    for field in list(data):
        if field in form.errors:
            data.pop(field)
    for _attempt in range(len(form.fields) + 1):
        try:
            step.save(profile, user, data, complete)
            return complete
        except ValidationFailed as exc:
            if exc.field in data:
                form.add_error(exc.field, exc.message)
                data.pop(exc.field)
                complete = False
            else:
                form.add_error(None, exc.message)
                return False
    return False


def _editable_or_redirect(request, profile):
    if profile.status in services.EDITABLE:
        return None
    messages.info(
        request,
        f"You cannot change your profile while it is {profile.get_status_display().lower()}.",
    )
    return redirect("suppliers:join_status", profile.slug)


def start(request):
    profiles = []
    if request.user.is_authenticated:
        profiles = list(
            SupplierProfile.objects.filter(
                organisation__memberships__user=request.user,
                organisation__memberships__role__in=[Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER],
            )
            .select_related("organisation")
            .distinct()
        )
    return render(request, "suppliers/onboarding/start.html", {"profiles": profiles})


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """The first question: creating the organisation and its draft profile."""
    form = f.NameForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.supplier_create(
                name=form.cleaned_data["legal_name"],
                trading_name=form.cleaned_data["trading_name"],
                by=request.user,
            )
        except ValidationFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if "later" in request.POST:
                messages.success(
                    request, "Your answers have been saved. You can come back at any time."
                )
                return redirect("suppliers:join_tasks", profile.slug)
            return redirect("suppliers:join_step", profile.slug, "company")
    return render(
        request,
        "suppliers/onboarding/step.html",
        {"form": form, "step": STEPS_BY_KEY["name"], "profile": None},
        status=200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request, slug: str, key: str):
    step = STEPS_BY_KEY.get(key)
    if step is None:
        raise Http404("No such question")
    profile = _profile_for(request, slug, "suppliers.edit_profile")
    if response := _editable_or_redirect(request, profile):
        return response
    if request.method == "POST":
        form = step.form_class(request.POST, request.FILES)
        if _save_step(step, form, profile, request.user):
            if "later" in request.POST:
                messages.success(
                    request, "Your answers have been saved. You can come back at any time."
                )
            return redirect(_next_url(profile, step, request))
    else:
        form = step.form_class(initial=step.initial(profile))
    return render(request, step.template, {"form": form, "step": step, "profile": profile})


def _task_rows(profile: SupplierProfile, result) -> list[dict]:
    sections = []
    for section in SECTIONS:
        rows = []
        for s in STEPS:
            if s.section != section:
                continue
            check = CHECKS_BY_KEY[s.key]
            rows.append(
                {
                    "key": s.key,
                    "label": TASK_LABELS[s.key],
                    "url": reverse("suppliers:join_step", args=[profile.slug, s.key]),
                    "done": result.is_done(s.key),
                    "optional": not check.required,
                }
            )
        sections.append({"title": section, "rows": rows})
    sections.append(
        {
            "title": "Evidence for buyers (optional)",
            "rows": [
                {
                    "key": kind,
                    "label": spec.plural.capitalize(),
                    "url": reverse("suppliers:join_evidence", args=[profile.slug, kind]),
                    "done": result.is_done(spec.check),
                    "optional": True,
                    "count": getattr(profile, spec.related).count(),
                }
                for kind, spec in EVIDENCE.items()
            ],
        }
    )
    return sections


@login_required
def tasks(request, slug: str):
    """The task list: every section's status, so the supplier can come back any time."""
    profile = _profile_for(request, slug, "suppliers.view_profile")
    result = completeness(profile)
    return render(
        request,
        "suppliers/onboarding/tasks.html",
        {
            "profile": profile,
            "result": result,
            "sections": _task_rows(profile, result),
            "can_edit": allowed(request.user, "suppliers.edit_profile", profile)
            and profile.status in services.EDITABLE,
            "can_submit": allowed(request.user, "suppliers.submit_profile", profile)
            and profile.status in services.SUBMITTABLE,
        },
    )


def _answers(profile: SupplierProfile) -> list[dict]:
    def row(label, value, key):
        return {"label": label, "value": value, "key": key, "is_list": isinstance(value, list)}

    regions = (
        "The whole UK"
        if profile.serves_whole_uk
        else ", ".join(r.name for r in profile.regions_served.all())
    )
    address = [
        profile.address_line_1,
        profile.address_line_2,
        profile.town,
        profile.postcode,
    ]
    return [
        row("Legal name", profile.legal_name, "name"),
        row("Trading name", profile.trading_name, "name"),
        row(
            "Company number",
            f"{profile.company_number} (not yet checked with Companies House)"
            if profile.company_number and not profile.company_number_verified
            else profile.company_number,
            "company",
        ),
        row("Charity number", profile.charity_number, "company"),
        row("VAT number", profile.vat_number, "company"),
        row("Summary", profile.summary, "about"),
        row("Website", profile.website, "about"),
        row("Logo", "Uploaded" if profile.logo else "", "about"),
        row("Contact name", profile.contact_name, "contact"),
        row("Contact email", profile.contact_email, "contact"),
        row("Contact phone", profile.contact_phone, "contact"),
        row(
            "Number of staff",
            "" if profile.staff_headcount is None else f"{profile.staff_headcount:,}",
            "size",
        ),
        row("Annual turnover", format_gbp(profile.turnover_pence), "size"),
        row("Balance sheet total", format_gbp(profile.balance_sheet_pence), "size"),
        row(
            "Size",
            f"{profile.get_size_band_display()} ({'an SME' if profile.is_sme else 'not an SME'})"
            if profile.size_band
            else "",
            "size",
        ),
        row(
            "VCSE",
            (profile.get_vcse_type_display() if profile.vcse_type else "No")
            if "vcse" in profile.completed_steps
            else "",
            "vcse",
        ),
        row("Address", [line for line in address if line], "address"),
        row(
            "Region",
            f"{profile.region.name} ({profile.district_name})" if profile.region_id else "",
            "address",
        ),
        row("Regions you work in", regions, "regions"),
        row("Remote delivery", "Yes" if profile.remote_delivery else "No", "regions"),
        row(
            "Capabilities",
            [str(c) for c in profile.capabilities.select_related("parent")],
            "capabilities",
        ),
        row(
            "Innovation claim",
            profile.get_innovation_type_display() if profile.innovation_type else "",
            "innovation",
        ),
        row("Innovation evidence", profile.innovation_evidence, "innovation"),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def check(request, slug: str):
    """Check your answers, then submit for review."""
    profile = _profile_for(request, slug, "suppliers.view_profile")
    errors = []
    if request.method == "POST":
        if not allowed(request.user, "suppliers.submit_profile", profile):
            raise PermissionDenied
        try:
            services.profile_submit(profile=profile, by=request.user)
        except DomainError as exc:
            errors.append(exc.message)
        else:
            return redirect("suppliers:join_submitted", profile.slug)
    return render(
        request,
        "suppliers/onboarding/check.html",
        {
            "profile": profile,
            "answers": _answers(profile),
            "evidence": [
                (kind, spec, getattr(profile, spec.related).all())
                for kind, spec in EVIDENCE.items()
            ],
            "result": completeness(profile),
            "errors": errors,
            "can_edit": allowed(request.user, "suppliers.edit_profile", profile)
            and profile.status in services.EDITABLE,
            "can_submit": allowed(request.user, "suppliers.submit_profile", profile)
            and profile.status in services.SUBMITTABLE,
        },
        status=200,
    )


@login_required
def submitted(request, slug: str):
    profile = _profile_for(request, slug, "suppliers.view_profile")
    return render(request, "suppliers/onboarding/submitted.html", {"profile": profile})


@login_required
def status(request, slug: str):
    profile = _profile_for(request, slug, "suppliers.view_profile")
    return render(
        request,
        "suppliers/onboarding/status.html",
        {
            "profile": profile,
            "can_edit": allowed(request.user, "suppliers.edit_profile", profile)
            and profile.status in services.EDITABLE,
        },
    )


# --- Certifications, case studies and listings ------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    model: type
    form_class: type
    related: str
    singular: str
    plural: str
    check: str
    add: Callable
    update: Callable
    remove: Callable
    initial: Callable[[Any], dict]
    hint: str


def _case_study_initial(c: CaseStudy) -> dict:
    return {
        "title": c.title,
        "buyer_name": c.buyer_name,
        "is_public_sector": "yes" if c.is_public_sector else "no",
        "challenge": c.challenge,
        "outcome": c.outcome,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "place": c.place,
    }


def _listing_initial(item: Listing) -> dict:
    return {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "price_model": item.price_model,
        "price": f.pounds_initial(item.price_pence),
        "capabilities": list(item.capabilities.all()),
    }


def _listing_fields(data: dict) -> dict:
    data = dict(data)
    data["price_pence"] = data.pop("price", None)
    return data


EVIDENCE: dict[str, Evidence] = {
    "certifications": Evidence(
        Certification,
        f.CertificationForm,
        "certifications",
        "certification",
        "certifications",
        "certifications",
        lambda profile, by, data: services.certification_add(profile=profile, by=by, **data),
        lambda obj, by, data: services.certification_update(certification=obj, by=by, **data),
        lambda obj, by: services.certification_remove(certification=obj, by=by),
        lambda c: {
            "scheme": c.scheme,
            "other_name": c.other_name,
            "certificate_number": c.certificate_number,
            "expires_on": c.expires_on,
        },
        "Certificates such as Cyber Essentials or ISO 27001, with their expiry dates.",
    ),
    "case-studies": Evidence(
        CaseStudy,
        f.CaseStudyForm,
        "case_studies",
        "case study",
        "case studies",
        "case_studies",
        lambda profile, by, data: services.case_study_add(profile=profile, by=by, **data),
        lambda obj, by, data: services.case_study_update(case_study=obj, by=by, **data),
        lambda obj, by: services.case_study_remove(case_study=obj, by=by),
        _case_study_initial,
        "Work you have done for other customers and what changed because of it.",
    ),
    "listings": Evidence(
        Listing,
        f.ListingForm,
        "listings",
        "product or service",
        "products and services",
        "listings",
        lambda profile, by, data: services.listing_add(
            profile=profile, by=by, **_listing_fields(data)
        ),
        lambda obj, by, data: services.listing_update(listing=obj, by=by, **_listing_fields(data)),
        lambda obj, by: services.listing_remove(listing=obj, by=by),
        _listing_initial,
        "Products, services and proof-of-concept offers buyers can ask you about.",
    ),
}


def _evidence_spec(kind: str) -> Evidence:
    spec = EVIDENCE.get(kind)
    if spec is None:
        raise Http404("No such list")
    return spec


@login_required
def evidence_list(request, slug: str, kind: str):
    spec = _evidence_spec(kind)
    profile = _profile_for(request, slug, "suppliers.view_profile")
    items = list(getattr(profile, spec.related).all())
    for item in items:
        item.price_display = format_gbp(getattr(item, "price_pence", None))
    return render(
        request,
        "suppliers/onboarding/evidence_list.html",
        {
            "profile": profile,
            "spec": spec,
            "kind": kind,
            "items": items,
            "can_edit": allowed(request.user, "suppliers.edit_profile", profile)
            and profile.status in services.EDITABLE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request, slug: str, kind: str, pk: int | None = None):
    spec = _evidence_spec(kind)
    profile = _profile_for(request, slug, "suppliers.edit_profile")
    if response := _editable_or_redirect(request, profile):
        return response
    item = get_object_or_404(spec.model, pk=pk, profile=profile) if pk else None
    if request.method == "POST":
        form = spec.form_class(request.POST)
        if form.is_valid():
            try:
                if item is None:
                    spec.add(profile, request.user, form.cleaned_data)
                else:
                    spec.update(item, request.user, form.cleaned_data)
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"The {spec.singular} has been saved.")
                return redirect("suppliers:join_evidence", profile.slug, kind)
    else:
        form = spec.form_class(initial=spec.initial(item) if item else None)
    return render(
        request,
        "suppliers/onboarding/evidence_form.html",
        {"profile": profile, "spec": spec, "kind": kind, "item": item, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_remove(request, slug: str, kind: str, pk: int):
    spec = _evidence_spec(kind)
    profile = _profile_for(request, slug, "suppliers.edit_profile")
    if response := _editable_or_redirect(request, profile):
        return response
    item = get_object_or_404(spec.model, pk=pk, profile=profile)
    if request.method == "POST":
        spec.remove(item, request.user)
        messages.success(request, f"The {spec.singular} has been removed.")
        return redirect("suppliers:join_evidence", profile.slug, kind)
    return render(
        request,
        "suppliers/onboarding/evidence_remove.html",
        {"profile": profile, "spec": spec, "kind": kind, "item": item},
    )


urlpatterns = [
    path("suppliers/join/", start, name="join_start"),
    path("suppliers/join/new/", new, name="join_new"),
    path("suppliers/join/<slug:slug>/", tasks, name="join_tasks"),
    path("suppliers/join/<slug:slug>/check/", check, name="join_check"),
    path("suppliers/join/<slug:slug>/submitted/", submitted, name="join_submitted"),
    path("suppliers/join/<slug:slug>/status/", status, name="join_status"),
    path("suppliers/join/<slug:slug>/evidence/<str:kind>/", evidence_list, name="join_evidence"),
    path(
        "suppliers/join/<slug:slug>/evidence/<str:kind>/add/",
        evidence_edit,
        name="join_evidence_add",
    ),
    path(
        "suppliers/join/<slug:slug>/evidence/<str:kind>/<int:pk>/",
        evidence_edit,
        name="join_evidence_edit",
    ),
    path(
        "suppliers/join/<slug:slug>/evidence/<str:kind>/<int:pk>/remove/",
        evidence_remove,
        name="join_evidence_remove",
    ),
    path("suppliers/join/<slug:slug>/<str:key>/", step, name="join_step"),
]
