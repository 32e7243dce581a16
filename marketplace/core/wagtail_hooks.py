"""Wagtail admin: a read-only audit log for platform admins, and the "Waiting for review" panel
on the CMS home page (every app's ``StaffQueue`` contributions)."""

from django.contrib.contenttypes.models import ContentType
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import AuditEvent
from .staff_queues import waiting_for_review


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Lets people with the "view" permission read records; nobody can add, change or delete."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


def _verb_choices():
    verbs = AuditEvent.objects.order_by("verb").values_list("verb", flat=True).distinct()
    return [(v, v) for v in verbs]


class AuditEventFilterSet(WagtailFilterSet):
    verb = ChoiceFilter(label="Action", choices=_verb_choices)
    content_type = ModelChoiceFilter(
        label="Type of record",
        queryset=ContentType.objects.filter(
            pk__in=AuditEvent.objects.values("content_type")
        ).order_by("app_label", "model"),
    )
    occurred_at = DateFromToRangeFilter(label="Date")

    class Meta:
        model = AuditEvent
        fields = ["verb", "content_type", "occurred_at"]


class AuditEventIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor", "content_type")


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    index_view_class = AuditEventIndexView
    icon = "history"
    menu_label = "Audit log"
    name = "audit_log"
    add_to_admin_menu = True
    menu_order = 900
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["occurred_at", "actor", "verb", "object_repr"]
    list_export = ["occurred_at", "actor", "verb", "content_type", "object_id", "object_repr"]
    filterset_class = AuditEventFilterSet
    search_fields = ["verb", "object_repr", "object_id", "actor__email"]
    form_fields = ["verb"]  # required by ModelViewSet; no form is reachable (view-only policy)
    inspect_view_fields = [
        "occurred_at",
        "actor",
        "verb",
        "content_type",
        "object_id",
        "object_repr",
        "payload",
    ]


register_permission_policy(AuditEvent, ViewOnlyPermissionPolicy(AuditEvent))


@hooks.register("register_admin_viewset")
def register_audit_log_viewset():
    return AuditEventViewSet()


class WaitingForReviewPanel(Component):
    name = "waiting_for_review"
    template_name = "core/admin/waiting_for_review_panel.html"
    order = 50

    def __init__(self, queues):
        self.queues = queues

    def get_context_data(self, parent_context):
        return {"queues": self.queues}


@hooks.register("construct_homepage_panels")
def add_waiting_for_review_panel(request, panels):
    if not request.user.is_staff:
        return
    queues = waiting_for_review()
    if queues:
        panels.insert(0, WaitingForReviewPanel(queues))
