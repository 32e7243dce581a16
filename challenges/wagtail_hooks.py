"""Wagtail admin for challenges: platform admins can find and read any challenge. The status is
read-only here; it changes only through the services (buyers' pages and Celery beat)."""

from django.contrib.auth import get_user_model
from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Challenge


class ReadOnlyStaffPolicy(ModelPermissionPolicy):
    """Staff may view; nobody adds, edits or deletes challenges in the CMS."""

    def user_has_permission(self, user, action):
        return action == "view" and bool(user.is_active and user.is_staff)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_staff=True)


register_permission_policy(Challenge, ReadOnlyStaffPolicy(Challenge))


class ChallengeViewSet(ModelViewSet):
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
    inspect_view_enabled = True
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
    copy_view_enabled = False
    add_to_reference_index = False
    # No add or edit screens are routed (see get_urlpatterns); Wagtail still asks for fields.
    form_fields = ["title"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
            path("history/<str:pk>/", self.history_view, name="history"),
            path("history-results/<str:pk>/", self.history_results_view, name="history_results"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        kwargs = super().get_common_view_kwargs(**kwargs)
        for name in (
            "add_url_name",
            "edit_url_name",
            "delete_url_name",
            "copy_url_name",
            "usage_url_name",
        ):
            kwargs[name] = None
        return kwargs

    @property
    def permission_policy(self):
        return ReadOnlyStaffPolicy(Challenge)


@hooks.register("register_admin_viewset")
def register_challenge_viewset():
    return ChallengeViewSet()
