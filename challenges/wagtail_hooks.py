"""Wagtail admin for challenges: platform admins can find and read any challenge. The status is
read-only here; it changes only through the services (buyers' pages and Celery beat)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from marketplace.core.wagtail_viewsets import ReadOnlyStaffPolicy, ReadOnlyViewSet

from .models import Challenge

register_permission_policy(Challenge, ReadOnlyStaffPolicy(Challenge))


class ChallengeViewSet(ReadOnlyViewSet):
    model = Challenge
    icon = "doc-full"
    menu_label = "Challenges"
    menu_order = 260
    name = "challenge_admin"
    url_prefix = "challenges/all"
    add_to_admin_menu = True
    list_display = ["title", "buyer", "status", "mode", "created_at"]
    list_filter = ["status", "mode", "procedure"]
    search_fields = ["title", "summary"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "title",
        "slug",
        "status",
        "buyer",
        "mode",
        "procedure",
        "budget_pence",
        "current_phase_number",
        "submitted_at",
        "approved_at",
        "opened_at",
        "closed_at",
        "cancelled_at",
        "cancellation_reason",
    ]
    # No add or edit screens are routed; Wagtail still asks for fields.
    form_fields = ["title"]


@hooks.register("register_admin_viewset")
def register_challenge_viewset():
    return ChallengeViewSet()
