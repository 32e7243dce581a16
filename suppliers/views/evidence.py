"""Certifications, case studies and listings: the optional evidence for buyers, each kept as
a list the supplier can add to, edit and remove from while the profile is editable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from marketplace.core.errors import ValidationFailed
from marketplace.core.money import format_gbp

from .. import forms as f
from .. import services
from ..models import CaseStudy, Certification, Listing
from ._common import allowed, editable_or_redirect, profile_for

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
    profile = profile_for(request, slug, "suppliers.view_profile")
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
    profile = profile_for(request, slug, "suppliers.edit_profile")
    if response := editable_or_redirect(request, profile):
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
    profile = profile_for(request, slug, "suppliers.edit_profile")
    if response := editable_or_redirect(request, profile):
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
]
