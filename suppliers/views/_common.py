"""Helpers shared by the onboarding and evidence views: loading the supplier's profile with a
permission check, and sending the supplier away from pages they can no longer change.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from .. import selectors, services
from ..models import SupplierProfile


def profile_for(request, slug: str, perm: str) -> SupplierProfile:
    """The profile at ``slug`` if ``request.user`` has ``perm`` on it.

    Someone who may not even see the profile gets the same 404 as for a slug that does not
    exist, so these private URLs do not reveal which (unapproved) suppliers exist. A member
    or platform admin who may see it but not do this gets a 403: their role is the problem.
    """
    profile = selectors.supplier_for_access_check(slug=slug)
    if profile is not None and allowed(request.user, perm, profile):
        return profile
    if profile is not None and allowed(request.user, "suppliers.view_profile", profile):
        raise PermissionDenied
    raise Http404("No supplier with that address")


def allowed(user, perm: str, profile: SupplierProfile) -> bool:
    """Check the suppliers.* rule itself, without Django's superuser bypass: platform admins
    change a profile only through the review screens, never by editing the supplier's answers."""
    return rules.has_perm(perm, user, profile)


def editable_or_redirect(request, profile):
    if profile.status in services.EDITABLE:
        return None
    messages.info(
        request,
        f"You cannot change your profile while it is {profile.get_status_display().lower()}.",
    )
    return redirect("suppliers:join_status", profile.slug)
