"""Django admin (/django-admin/) for developers. Status fields are read-only: status changes
only through the services, which audit and notify."""

from django.contrib import admin

from marketplace.core.admin_audit import AuditedModelAdmin

from .models import Challenge, ClarificationQuestion, OpportunityAlert, Phase

STATUS_FIELDS = (
    "status",
    "submitted_at",
    "submitted_by",
    "approved_at",
    "approved_by",
    "opened_at",
    "closed_at",
    "decided_at",
    "completed_at",
    "cancelled_at",
    "cancelled_by",
    "cancellation_reason",
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = (
        "number",
        "name",
        "budget_per_contract_pence",
        "max_contracts",
        "envelope_pence",
        "opens_at",
        "closes_at",
    )
    readonly_fields = ("envelope_pence",)


@admin.register(Challenge)
class ChallengeAdmin(AuditedModelAdmin):
    list_display = ["title", "buyer", "status", "mode", "created_at"]
    list_filter = ["status", "mode", "procedure"]
    search_fields = ["title", "slug"]
    readonly_fields = STATUS_FIELDS
    raw_id_fields = ["buyer", "created_by", "region"]
    inlines = [PhaseInline]


@admin.register(ClarificationQuestion)
class ClarificationQuestionAdmin(AuditedModelAdmin):
    list_display = ["challenge", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ("status", "answered_at", "answered_by", "published_at")
    raw_id_fields = ["challenge", "asked_by", "supplier", "answered_by"]


@admin.register(OpportunityAlert)
class OpportunityAlertAdmin(admin.ModelAdmin):
    list_display = ["challenge", "supplier", "sent_at"]
    raw_id_fields = ["challenge", "supplier"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
