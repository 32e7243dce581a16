from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is evidence: it can be searched and read, never changed here."""

    list_display = ("occurred_at", "actor", "verb", "content_type", "object_repr")
    list_filter = ("verb", "content_type", "occurred_at")
    search_fields = ("verb", "object_repr", "object_id", "actor__email")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor", "content_type")
    readonly_fields = (
        "occurred_at",
        "actor",
        "verb",
        "content_type",
        "object_id",
        "object_repr",
        "payload",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
