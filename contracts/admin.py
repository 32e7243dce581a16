"""Django admin (/django-admin/) for developers: contracts, claims and payments are read-only
here. Status changes only through the services, which lock, check the transition table, audit
and notify; the two payment actions below call those services too."""

from django.contrib import admin, messages

from marketplace.core.admin_audit import AuditedModelAdmin
from marketplace.core.errors import DomainError

from .models import Claim, Contract, Milestone, OutcomeMetric, Payment
from .services.payments import payment_mark_paid, payment_retry


class ReadOnlyAdmin(AuditedModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("order", "title", "due_on", "value_pence", "committed_pence", "status")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OutcomeMetricInline(admin.TabularInline):
    model = OutcomeMetric
    extra = 0
    fields = ("name", "tariff_pence", "target", "cap_pence", "verified_units", "committed_pence")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "buyer", "supplier", "status", "rag", "value_pence")
    list_filter = ("status", "rag")
    search_fields = ("reference", "title")
    list_select_related = ("buyer", "supplier")
    inlines = (MilestoneInline, OutcomeMetricInline)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("reference", "contract", "kind", "status", "requested_pence", "submitted_at")
    list_filter = ("status", "kind")
    search_fields = ("reference", "contract__reference")
    list_select_related = ("contract",)


def _act(modeladmin, request, queryset, service, done: str) -> None:
    acted = 0
    for payment in queryset:
        try:
            service(payment=payment, by=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, f"Payment {payment.pk}: {exc.message}", messages.ERROR)
        else:
            acted += 1
    if acted:
        modeladmin.message_user(request, f"{acted} payment(s) {done}.", messages.SUCCESS)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "claim", "contract", "amount_pence", "status", "provider", "approved_at")
    list_filter = ("status", "provider")
    search_fields = ("claim__reference", "contract__reference", "provider_payment_id")
    list_select_related = ("claim", "contract")
    actions = ("mark_paid", "try_again")

    def has_change_permission(self, request, obj=None):
        # The actions need it on the list; every field stays read-only (no form is shown).
        return bool(request.user.is_active and request.user.is_staff) and obj is None

    @admin.action(description="Mark as paid (ledger payments the finance team has paid)")
    def mark_paid(self, request, queryset):
        _act(self, request, queryset, payment_mark_paid, "marked as paid")

    @admin.action(description="Try again (failed payments)")
    def try_again(self, request, queryset):
        _act(self, request, queryset, payment_retry, "will be tried again")
