"""Wagtail admin for organisations (platform admins fix names, kinds and links)."""

from wagtail import hooks

from marketplace.core.admin_audit import AuditedModelViewSet

from .models import Organisation


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
