"""Joining the marketplace and editing the supplier profile (owned by the onboarding work).

Short question pages, one thing per page, each saving the draft. Answers that pass their checks
are saved even when another answer on the same page is wrong, so nothing typed is lost.

This module holds the journey itself: start, the question pages, the task list, check your
answers and submit. The questions are defined in ``questions``; the evidence lists
(certifications, case studies, listings) live in ``evidence``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from marketplace.core import idempotency
from marketplace.core.errors import DomainError, ValidationFailed
from marketplace.core.money import format_gbp

from .. import forms as f
from .. import selectors, services
from ..completeness import CHECKS_BY_KEY, completeness
from ..models import SupplierProfile
from ._common import allowed, editable_or_redirect, profile_for
from .evidence import EVIDENCE
from .questions import SECTIONS, STEPS, STEPS_BY_KEY, TASK_LABELS, Step


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


IDENTITY_HELD_MESSAGE = (
    "We will check your new name or company details before buyers see them. Until then your "
    "profile shows the details we approved before."
)


def _identity_held(profile: SupplierProfile) -> bool:
    return selectors.has_pending_identity(profile=profile)


def start(request):
    profiles = []
    if request.user.is_authenticated:
        profiles = selectors.profiles_for_member(user=request.user)
    return render(request, "suppliers/onboarding/start.html", {"profiles": profiles})


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """The first question: creating the organisation and its draft profile.

    The form carries a one-time token, so posting it twice (a double click, a retry) creates
    one organisation and sends the second post where the first one went.
    """
    form = f.NewSupplierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with idempotency.claim(request, form, scope="suppliers.create") as claim:
            if claim.replay_url:
                return redirect(claim.replay_url)
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
                    return redirect(
                        claim.done(reverse("suppliers:join_tasks", args=[profile.slug]))
                    )
                return redirect(
                    claim.done(reverse("suppliers:join_step", args=[profile.slug, "company"]))
                )
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
    profile = profile_for(request, slug, "suppliers.edit_profile")
    if response := editable_or_redirect(request, profile):
        return response
    if request.method == "POST":
        form = step.form_class(request.POST, request.FILES)
        if _save_step(step, form, profile, request.user):
            if step.key in ("name", "company") and _identity_held(profile):
                messages.info(request, IDENTITY_HELD_MESSAGE)
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
    profile = profile_for(request, slug, "suppliers.view_profile")
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
        return {
            "label": label,
            "value": value,
            "key": key,
            "is_list": isinstance(value, list),
            # Read after "Change", so each link has its own accessible name ("Change VCSE status").
            "change_label": f.in_sentence(label),
        }

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
            "VCSE status",
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
    profile = profile_for(request, slug, "suppliers.view_profile")
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
    profile = profile_for(request, slug, "suppliers.view_profile")
    return render(request, "suppliers/onboarding/submitted.html", {"profile": profile})


@login_required
def status(request, slug: str):
    profile = profile_for(request, slug, "suppliers.view_profile")
    return render(
        request,
        "suppliers/onboarding/status.html",
        {
            "profile": profile,
            "can_edit": allowed(request.user, "suppliers.edit_profile", profile)
            and profile.status in services.EDITABLE,
        },
    )


urlpatterns = [
    path("suppliers/join/", start, name="join_start"),
    path("suppliers/join/new/", new, name="join_new"),
    path("suppliers/join/<slug:slug>/", tasks, name="join_tasks"),
    path("suppliers/join/<slug:slug>/check/", check, name="join_check"),
    path("suppliers/join/<slug:slug>/submitted/", submitted, name="join_submitted"),
    path("suppliers/join/<slug:slug>/status/", status, name="join_status"),
]

# The question page pattern (/suppliers/join/<slug>/<key>/) goes after every other /join/ path
# (see suppliers/urls.py), so that check/, submitted/ and status/ are not taken for a question key.
step_urlpatterns = [
    path("suppliers/join/<slug:slug>/<str:key>/", step, name="join_step"),
]
