"""The public supplier directory: a filterable list and one page per approved supplier."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path

from marketplace.accounts.permissions import is_supplier_admin
from marketplace.accounts.selectors import is_verified_buyer
from search.forms import SupplierSearchForm
from search.results import supplier_objects
from search.views import search_context
from suppliers import selectors
from suppliers.models import SupplierProfile


def supplier_list(request):
    """The directory: a search over approved suppliers (``search.forms.SupplierSearchForm``)."""
    context = search_context(request, SupplierSearchForm, supplier_objects)
    return render(
        request, "suppliers/directory/list.html", {**context, "suppliers": context["items"]}
    )


def supplier_detail(request, slug: str):
    try:
        profile = selectors.supplier_get_public(slug=slug)
    except SupplierProfile.DoesNotExist:
        profile = _preview_or_404(request, slug)
    # Contact details are for buyers (and platform admins) only; the logo is public branding.
    show_contact = is_verified_buyer(user=request.user)
    return render(
        request,
        "suppliers/directory/detail.html",
        {"profile": profile, "show_contact": show_contact},
    )


def _preview_or_404(request, slug: str) -> SupplierProfile:
    """An unapproved profile exists only for its own organisation's admins, who may preview it."""
    try:
        profile = selectors.supplier_get_by_slug(slug=slug)
    except SupplierProfile.DoesNotExist:
        raise Http404("No supplier with that address") from None
    if not is_supplier_admin(request.user, profile):
        raise Http404("No supplier with that address")
    return profile


urlpatterns = [
    path("suppliers/", supplier_list, name="directory"),
    path("suppliers/<slug:slug>/", supplier_detail, name="detail"),
]
