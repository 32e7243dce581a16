"""Read-only Wagtail admin screens for domain records that change only through services.

Platform admins (active staff) can find and read such records in the CMS; nobody adds, edits,
copies or deletes them there, because their services check the transition table, lock the rows
and audit. The record's own audit trail is its history; Wagtail's history screen is not routed
(it opens only for someone with a writing permission, so staff would be sent away). An app
subclasses ``ReadOnlyViewSet`` for each model and registers ``ReadOnlyStaffPolicy(Model)`` for
it, so Wagtail's own checks agree with the screens.
"""

from django.contrib.auth import get_user_model
from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyStaffPolicy(ModelPermissionPolicy):
    """Staff may view; nobody adds, edits or deletes the model in the CMS."""

    def user_has_permission(self, user, action):
        return action == "view" and bool(user.is_active and user.is_staff)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_staff=True)


class ReadOnlyViewSet(ModelViewSet):
    """Index and inspect only: no add, edit, copy, delete or history screens are routed.

    Subclasses still set ``form_fields`` (one field is enough): Wagtail asks for it, although
    no form is ever shown.
    """

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        kwargs = super().get_common_view_kwargs(**kwargs)
        for name in (
            "add_url_name",
            "edit_url_name",
            "delete_url_name",
            "copy_url_name",
            "usage_url_name",
            "history_url_name",
        ):
            kwargs[name] = None
        return kwargs

    @property
    def permission_policy(self):
        return ReadOnlyStaffPolicy(self.model)
