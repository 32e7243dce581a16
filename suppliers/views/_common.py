"""Helpers shared by the onboarding and evidence views: loading the supplier's profile with a
permission check, and sending the supplier away from pages they can no longer change.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from .. import services
from ..models import SupplierProfile


def profile_for(request, slug: str, perm: str) -> SupplierProfile:
    profile = get_object_or_404(
        SupplierProfile.objects.select_related("organisation", "region"), slug=slug
    )
    if not allowed(request.user, perm, profile):
        raise PermissionDenied
    return profile


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
