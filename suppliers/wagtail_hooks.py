"""Wagtail admin for platform admins: review supplier profiles and edit the capabilities taxonomy.

Profiles are listed with filters and search; there is no generic add, edit or delete for them.
Each row opens the review screen, where a decision calls one of the lifecycle services, so
every status change is checked, audited and emailed exactly as elsewhere.
"""

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from marketplace.core.admin_audit import AuditedModelViewSet
from marketplace.core.errors import DomainError
from marketplace.core.money import format_gbp

from . import selectors, services
from .completeness import completeness
from .forms import ReviewForm
from .lifecycle import PLATFORM_ADMIN
from .models import Capability, SupplierProfile

Status = SupplierProfile.Status
TRANSITIONS = SupplierProfile.TRANSITIONS


def staff_decisions(status: str) -> set[str]:
    """The decisions a platform admin may record from ``status``, read from the table."""
    return {t.name for t in TRANSITIONS.available(status) if t.who == PLATFORM_ADMIN}


def record_decision(action: str, profile: SupplierProfile, *, by, reasons: str) -> None:
    """Call the one service for ``action``; each raises a ``DomainError`` when refused."""
    if action == "approve":
        services.profile_approve(profile=profile, by=by, reasons=reasons)
    elif action == "request_changes":
        services.profile_request_changes(profile=profile, by=by, reasons=reasons)
    elif action == "reject":
        services.profile_reject(profile=profile, by=by, reasons=reasons)
    elif action == "suspend":
        services.profile_suspend(profile=profile, by=by, reason=reasons)
    elif action == "reinstate":
        services.profile_reinstate(profile=profile, by=by, reason=reasons)
    else:
        raise ValueError(f"Unknown review decision {action!r}")


class StaffReviewPolicy(ModelPermissionPolicy):
    """Platform admins (staff) may list and review profiles; nobody adds or deletes them here."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return bool(user.is_active and user.is_staff)

    def users_with_any_permission(self, actions):
        if not set(actions) & {"view", "change"}:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_staff=True)


register_permission_policy(SupplierProfile, StaffReviewPolicy(SupplierProfile))


class ReviewView(WagtailAdminTemplateMixin, FormView):
    """A platform admin reads the profile and records a decision with reasons."""

    template_name = "suppliers/admin/review.html"
    form_class = ReviewForm
    header_icon = "tick-inverse"
    index_url_name = "supplier_review:index"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.profile = selectors.profile_for_review(pk=kwargs["pk"])
        except SupplierProfile.DoesNotExist:
            raise Http404("No such supplier profile") from None
        if not request.user.has_perm("suppliers.review_profile", self.profile):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Review {self.profile.display_name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Supplier profiles"},
            {"url": "", "label": self.profile.display_name},
        ]

    @property
    def allowed_actions(self):
        return staff_decisions(self.profile.status)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allowed_actions": self.allowed_actions}

    def post(self, request, *args, **kwargs):
        if "identity_decision" in request.POST:
            return self.identity_decision(request)
        return super().post(request, *args, **kwargs)

    def identity_decision(self, request):
        """Approve or reject the identity changes an approved supplier asked for."""
        decision = request.POST.get("identity_decision")
        reason = request.POST.get("identity_reason", "")
        try:
            if decision == "approve":
                services.supplier_identity_approve(profile=self.profile, by=request.user)
            elif decision == "reject":
                services.supplier_identity_reject(
                    profile=self.profile, by=request.user, reason=reason
                )
            else:
                raise Http404("No such decision")
        except DomainError as exc:
            context = self.get_context_data(
                form=self.get_form_class()(allowed_actions=self.allowed_actions)
            )
            context.update(identity_error=exc.message, identity_reason=reason)
            return self.render_to_response(context)
        done = "approved" if decision == "approve" else "rejected"
        messages.success(request, f"The name and company detail changes have been {done}.")
        return redirect(reverse("supplier_review:edit", args=[self.profile.pk]))

    def form_valid(self, form):
        action = form.cleaned_data["action"]
        try:
            record_decision(
                action, self.profile, by=self.request.user, reasons=form.cleaned_data["reasons"]
            )
        except DomainError as exc:
            form.add_error("reasons" if exc.field == "reasons" else None, exc.message)
            return self.form_invalid(form)
        done = TRANSITIONS.done(action).format(name=self.profile.display_name)
        messages.success(self.request, done)
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        profile = self.profile
        context = super().get_context_data(**kwargs)
        context.update(
            profile=profile,
            result=completeness(profile),
            allowed_actions=self.allowed_actions,
            turnover=format_gbp(profile.turnover_pence),
            balance_sheet=format_gbp(profile.balance_sheet_pence),
            capabilities=profile.capabilities.all(),
            regions=profile.regions_served.all(),
            certifications=profile.certifications.all(),
            case_studies=profile.case_studies.all(),
            listings=profile.listings.all(),
            history=selectors.profile_history(profile=profile),
            identity_changes=[
                {**change, "current": getattr(profile, change["field"])}
                for change in profile.pending_identity_changes
            ],
        )
        return context


class SupplierProfileFilterSet(WagtailFilterSet):
    """The listing's filters, plus approved profiles with identity changes waiting for review
    (``services.identity``), with how many there are in the label."""

    identity_pending = django_filters.BooleanFilter(
        label="Name or company changes waiting for review", method="filter_identity_pending"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        waiting, _oldest = selectors.identity_changes_queue_summary()
        label = f"Name or company changes waiting for review ({waiting})"
        self.filters["identity_pending"].label = label

    def filter_identity_pending(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.exclude(pending_identity={})
        return queryset.filter(pending_identity={})


class SupplierProfileIndexView(IndexView):
    """The review list opens on the profiles waiting for a decision; "All" shows the rest."""

    base_filterset_class = SupplierProfileFilterSet

    def get(self, request, *args, **kwargs):
        if (
            "status" not in request.GET
            and "identity_pending" not in request.GET
            and not request.GET.get("q")
        ):
            query = request.GET.copy()
            query["status"] = Status.SUBMITTED
            request.GET = query
        return super().get(request, *args, **kwargs)


class SupplierProfileViewSet(ModelViewSet):
    model = SupplierProfile
    index_view_class = SupplierProfileIndexView
    icon = "group"
    menu_label = "Supplier profiles"
    name = "supplier_review"
    url_prefix = "suppliers/review"
    list_display = ["legal_name", "status", "region", "size_band", "submitted_at"]
    list_filter = ["status", "region", "size_band"]
    search_fields = ["legal_name", "trading_name", "company_number"]
    ordering = ["-submitted_at", "legal_name"]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False

    @property
    def edit_view(self):
        """Rows open the review screen instead of a generic edit form."""
        return ReviewView.as_view(index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("review/<int:pk>/", self.edit_view, name="edit"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        kwargs = super().get_common_view_kwargs(**kwargs)
        # No add, copy, delete or usage screens for profiles: status changes go through review.
        for name in ("add_url_name", "delete_url_name", "copy_url_name", "usage_url_name"):
            kwargs[name] = None
        return kwargs


class CapabilityViewSet(AuditedModelViewSet):
    model = Capability
    icon = "list-ul"
    menu_label = "Capabilities"
    name = "capabilities"
    url_prefix = "suppliers/capabilities"
    list_display = ["name", "parent", "slug", "order"]
    list_filter = ["parent"]
    search_fields = ["name", "slug", "description"]
    form_fields = ["name", "slug", "parent", "description", "order"]
    copy_view_enabled = False


class SuppliersGroup(ViewSetGroup):
    menu_label = "Suppliers"
    menu_icon = "group"
    menu_order = 250
    items = (SupplierProfileViewSet, CapabilityViewSet)


@hooks.register("register_admin_viewset")
def register_supplier_viewsets():
    return SuppliersGroup()
