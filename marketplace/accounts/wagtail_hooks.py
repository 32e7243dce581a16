"""Wagtail admin for organisations (platform admins fix names, kinds and links)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from marketplace.core.admin_audit import AuditedModelViewSet
from marketplace.core.audit import audit_history
from marketplace.core.errors import DomainError

from . import services_buyers
from .forms import BuyerOrganisationDecisionForm
from .models import Organisation, PublicSectorDomain
from .selectors import registrations_for_review


class OrganisationViewSet(AuditedModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    name = "organisations"
    add_to_admin_menu = True
    menu_order = 800
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "kind", "buyer_type", "slug", "created_at"]
    list_filter = ["kind", "buyer_type"]
    search_fields = ["name", "slug"]
    form_fields = ["name", "slug", "kind", "buyer_type", "website"]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet()


# --- Buying organisation registrations ------------------------------------------------------


class StaffOnlyPolicy(ModelPermissionPolicy):
    """Platform admins (staff) may list and decide registrations; nobody adds or deletes here."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return bool(user.is_active and user.is_staff)

    def users_with_any_permission(self, actions):
        if not set(actions) & {"view", "change"}:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_staff=True)


class _RegistrationIndexView(IndexView):
    def get_base_queryset(self):
        return registrations_for_review()


class BuyerRegistrationReviewView(WagtailAdminTemplateMixin, FormView):
    """A platform admin reads the registration and verifies it or rejects it with a reason."""

    template_name = "accounts/admin/buyer_registration_review.html"
    form_class = BuyerOrganisationDecisionForm
    header_icon = "tick-inverse"
    index_url_name = "buyer_registrations:index"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        self.organisation = get_object_or_404(registrations_for_review(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Check {self.organisation.name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Buyer registrations"},
            {"url": "", "label": self.organisation.name},
        ]

    def form_valid(self, form):
        decision = form.cleaned_data["decision"]
        try:
            if decision == "verify":
                services_buyers.buyer_organisation_verify(
                    organisation=self.organisation, by=self.request.user
                )
            else:
                services_buyers.buyer_organisation_reject(
                    organisation=self.organisation,
                    by=self.request.user,
                    reason=form.cleaned_data["reason"],
                )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
            return self.form_invalid(form)
        done = "verified" if decision == "verify" else "rejected"
        messages.success(self.request, f"{self.organisation.name} has been {done}.")
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organisation=self.organisation,
            history=audit_history(self.organisation),
        )
        return context


class BuyerRegistrationViewSet(ModelViewSet):
    model = Organisation
    icon = "tick-inverse"
    menu_label = "Buyer registrations"
    name = "buyer_registrations"
    url_prefix = "buyer-registrations"
    add_to_admin_menu = True
    menu_order = 790
    index_view_class = _RegistrationIndexView
    list_display = [
        "name",
        "verification_status",
        "buyer_type",
        "email_domain_recognised",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["verification_status", "email_domain_recognised", "buyer_type"]
    search_fields = ["name"]
    ordering = ["-requested_at"]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False

    @property
    def permission_policy(self):
        return StaffOnlyPolicy(Organisation)

    @property
    def edit_view(self):
        """Rows open the review screen instead of a generic edit form."""
        return BuyerRegistrationReviewView.as_view(index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("review/<int:pk>/", self.edit_view, name="edit"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        kwargs = super().get_common_view_kwargs(**kwargs)
        # Decisions go through the review screen only, so they are checked and audited.
        for name in (
            "add_url_name",
            "delete_url_name",
            "copy_url_name",
            "usage_url_name",
            "history_url_name",
        ):
            kwargs[name] = None
        return kwargs


class _DomainCreateView(AuditedModelViewSet.add_view_class):
    def save_instance(self):
        self.form.instance.added_by = self.request.user
        return super().save_instance()


class PublicSectorDomainViewSet(AuditedModelViewSet):
    model = PublicSectorDomain
    add_view_class = _DomainCreateView
    icon = "mail"
    menu_label = "Public-sector email domains"
    name = "public_sector_domains"
    url_prefix = "public-sector-domains"
    add_to_admin_menu = True
    menu_order = 810
    copy_view_enabled = False
    list_display = ["domain", "organisation_hint", "added_by", "created_at"]
    search_fields = ["domain", "organisation_hint"]
    form_fields = ["domain", "organisation_hint"]


@hooks.register("register_admin_viewset")
def register_buyer_registration_viewsets():
    return [BuyerRegistrationViewSet(), PublicSectorDomainViewSet()]
