"""Wagtail admin for platform admins: find and read contracts, claims and payments, and act on a
payment ("Mark as paid" for a ledger payment the finance team has paid, "Try again" for a
failed one).

Nothing is added, edited or deleted here: contracts, claims and payments change only through
the services, which check the transition table, lock the rows and audit. The payment screen
calls ``payment_mark_paid`` and ``payment_retry``, the same services a commissioner's would.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from marketplace.core.errors import DomainError
from marketplace.core.money import format_gbp
from marketplace.core.wagtail_viewsets import ReadOnlyStaffPolicy, ReadOnlyViewSet

from .models import Claim, Contract, Payment
from .services.payments import payment_mark_paid, payment_retry

PAYMENT_TRANSITIONS = Payment.TRANSITIONS


for _model in (Contract, Claim, Payment):
    register_permission_policy(_model, ReadOnlyStaffPolicy(_model))


def payment_actions(payment: Payment) -> list[tuple[str, str]]:
    """The staff actions the payment's status allows, as (action, button label)."""
    actions = []
    if payment.provider == Payment.Provider.LEDGER and PAYMENT_TRANSITIONS.can(
        "pay", payment.status
    ):
        actions.append(("mark_paid", "Mark as paid"))
    if PAYMENT_TRANSITIONS.can("retry", payment.status):
        actions.append(("retry", "Try again"))
    return actions


class ContractViewSet(ReadOnlyViewSet):
    model = Contract
    icon = "doc-full-inverse"
    menu_label = "Contracts"
    name = "contract_admin"
    # No add or edit screens are routed; Wagtail still asks for fields.
    form_fields = ["status"]
    url_prefix = "contracts/all"
    list_display = ["reference", "title", "buyer", "supplier", "status", "rag", "accepted_at"]
    list_filter = ["status", "rag"]
    search_fields = ["reference", "title"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "reference",
        "title",
        "status",
        "rag",
        "challenge",
        "phase",
        "buyer",
        "supplier",
        "value_pence",
        "committed_pence",
        "starts_on",
        "ends_on",
        "version",
        "decided_at",
        "accepted_at",
        "accepted_name",
        "decision_to_active",
        "completed_at",
        "terminated_at",
        "termination_reason",
    ]


class ClaimViewSet(ReadOnlyViewSet):
    model = Claim
    icon = "form"
    menu_label = "Claims"
    name = "claim_admin"
    # No add or edit screens are routed; Wagtail still asks for fields.
    form_fields = ["status"]
    url_prefix = "contracts/claims"
    list_display = ["reference", "contract", "kind", "status", "requested_pence", "submitted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["reference"]
    ordering = ["-submitted_at"]
    inspect_view_fields = [
        "reference",
        "contract",
        "kind",
        "status",
        "milestone",
        "metric",
        "period_start",
        "period_end",
        "units_claimed",
        "requested_pence",
        "approved_units",
        "approved_pence",
        "submitted_at",
        "reviewed_at",
    ]


class PaymentActionView(WagtailAdminTemplateMixin, TemplateView):
    """One payment, with the actions its status allows (each a POST calling a service)."""

    template_name = "contracts/admin/payment.html"
    header_icon = "resubmit"
    index_url_name = "payment_admin:index"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        try:
            self.payment = Payment.objects.select_related(
                "contract", "contract__supplier", "contract__buyer", "claim"
            ).get(pk=kwargs["pk"])
        except Payment.DoesNotExist:
            raise Http404("No such payment") from None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Payment {self.payment.pk} for {self.payment.claim.reference}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Payments"},
            {"url": "", "label": f"Payment {self.payment.pk}"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            payment=self.payment,
            amount=format_gbp(self.payment.amount_pence),
            actions=payment_actions(self.payment),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action not in dict(payment_actions(self.payment)):
            messages.error(request, "That action is not available for this payment any more.")
            return redirect("payment_admin:act", self.payment.pk)
        try:
            if action == "mark_paid":
                payment_mark_paid(payment=self.payment, by=request.user)
                messages.success(request, f"Payment {self.payment.pk} marked as paid.")
            else:
                payment_retry(payment=self.payment, by=request.user)
                messages.success(request, PAYMENT_TRANSITIONS.done("retry"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("payment_admin:act", self.payment.pk)


class PaymentViewSet(ReadOnlyViewSet):
    model = Payment
    icon = "resubmit"
    menu_label = "Payments"
    name = "payment_admin"
    # No add or edit screens are routed; Wagtail still asks for fields.
    form_fields = ["status"]
    url_prefix = "contracts/payments"
    list_filter = ["status", "provider"]
    search_fields = ["claim__reference", "contract__reference", "provider_payment_id"]
    ordering = ["-approved_at"]
    inspect_view_fields = [
        "claim",
        "contract",
        "amount_pence",
        "status",
        "provider",
        "provider_payment_id",
        "provider_transfer_id",
        "attempts",
        "last_error",
        "approved_at",
        "submitted_at",
        "paid_at",
        "failed_at",
        "failure_reason",
        "exported_at",
    ]

    @property
    def list_display(self):
        return [
            TitleColumn(
                "claim",
                label="Claim",
                get_url=lambda payment: reverse("payment_admin:act", args=[payment.pk]),
            ),
            Column("contract", label="Contract"),
            Column("amount", label="Amount", accessor=lambda p: format_gbp(p.amount_pence)),
            Column("status", label="Status", accessor="get_status_display"),
            Column("provider", label="Provider", accessor="get_provider_display"),
            Column("approved_at", label="Approved"),
        ]

    def get_queryset(self, request):
        return Payment.objects.select_related("claim", "contract")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("act/<int:pk>/", PaymentActionView.as_view(), name="act"),
        ]


class ContractsAdminGroup(ViewSetGroup):
    menu_label = "Contracts"
    menu_icon = "doc-full-inverse"
    menu_order = 270
    items = (ContractViewSet, ClaimViewSet, PaymentViewSet)


@hooks.register("register_admin_viewset")
def register_contracts_viewsets():
    return ContractsAdminGroup()
