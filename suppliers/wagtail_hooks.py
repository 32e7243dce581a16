"""Wagtail admin for platform admins: review supplier profiles and edit the capabilities taxonomy.

Profiles are listed with filters and search; there is no generic add, edit or delete for them.
Each row opens the review screen, where a decision calls one of the lifecycle services, so
every status change is checked, audited and emailed exactly as elsewhere.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from marketplace.core.admin_audit import AuditedModelViewSet
from marketplace.core.errors import DomainError
from marketplace.core.models import AuditEvent
from marketplace.core.money import format_gbp

from . import services
from .completeness import completeness
from .forms import ReviewForm
from .models import Capability, SupplierProfile

Status = SupplierProfile.Status

# Which decisions make sense from which status; the services enforce the same sets.
ACTIONS_BY_STATUS = {
    Status.SUBMITTED: {"approve", "request_changes", "reject"},
    Status.APPROVED: {"suspend"},
    Status.SUSPENDED: {"reinstate"},
}
SERVICES = {
    "approve": lambda p, by, reasons: services.profile_approve(profile=p, by=by, reasons=reasons),
    "request_changes": lambda p, by, reasons: services.profile_request_changes(
        profile=p, by=by, reasons=reasons
    ),
    "reject": lambda p, by, reasons: services.profile_reject(profile=p, by=by, reasons=reasons),
    "suspend": lambda p, by, reasons: services.profile_suspend(profile=p, by=by, reason=reasons),
    "reinstate": lambda p, by, reasons: services.profile_reinstate(
        profile=p, by=by, reason=reasons
    ),
}
DONE_MESSAGES = {
    "approve": "{name} has been approved.",
    "request_changes": "{name} has been asked to make changes.",
    "reject": "{name} has been rejected.",
    "suspend": "{name} has been suspended.",
    "reinstate": "{name} has been reinstated.",
}


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
        self.profile = get_object_or_404(
            SupplierProfile.objects.select_related(
                "organisation", "region", "submitted_by", "reviewed_by"
            ),
            pk=kwargs["pk"],
        )
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
        return ACTIONS_BY_STATUS.get(self.profile.status, set())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allowed_actions": self.allowed_actions}

    def form_valid(self, form):
        action = form.cleaned_data["action"]
        try:
            SERVICES[action](self.profile, self.request.user, form.cleaned_data["reasons"])
        except DomainError as exc:
            form.add_error("reasons" if exc.field == "reasons" else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, DONE_MESSAGES[action].format(name=self.profile.display_name))
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
            capabilities=profile.capabilities.select_related("parent"),
            regions=profile.regions_served.all(),
            certifications=profile.certifications.all(),
            case_studies=profile.case_studies.all(),
            listings=profile.listings.all(),
            history=AuditEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(SupplierProfile),
                object_id=str(profile.pk),
            ).select_related("actor")[:30],
        )
        return context


class SupplierProfileViewSet(ModelViewSet):
    model = SupplierProfile
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
