"""Account pages: dashboard, account settings, organisation team and invitations.

Views parse, authorise with ``permissions.require``, call one service and render or redirect.
Domain errors become form errors or messages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.core.errors import DomainError
from marketplace.core.registry import DashboardPanel, shown

from . import services
from .forms import InvitationForm
from .models import Invitation, Organisation
from .permissions import require
from .selectors import (
    dashboard_organisations,
    invitation_by_token,
    invitations_waiting_for,
    membership_in,
    team_for,
)


@login_required
def dashboard(request):
    """What the signed-in person can do, grouped by the organisations they belong to, then the
    panels other apps contribute (``DashboardPanel`` in their ``AppConfig.ready()``)."""
    return render(
        request,
        "accounts/dashboard.html",
        {
            "organisations": dashboard_organisations(user=request.user),
            "invitations": invitations_waiting_for(user=request.user),
            "panels": shown(DashboardPanel, request),
        },
    )


@login_required
def account_settings(request):
    return render(request, "accounts/account_settings.html")


def _organisation_for_admin(request, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    # Outsiders get the same 404 as for a slug that does not exist; members who are not
    # admins get a 403, since they know the organisation exists.
    require(
        request.user,
        "accounts.manage_organisation",
        organisation,
        visible_to="accounts.view_organisation",
    )
    return organisation


@login_required
def team(request, slug):
    organisation = _organisation_for_admin(request, slug)
    return render(
        request, "accounts/team.html", team_for(organisation=organisation, user=request.user)
    )


@login_required
def invite(request, slug):
    organisation = _organisation_for_admin(request, slug)
    roles = services.roles_for_kind(organisation.kind)
    form = InvitationForm(request.POST if request.method == "POST" else None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"We have sent an invitation to {invitation.email}.")
            return redirect("accounts:team", slug=organisation.slug)
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation = _organisation_for_admin(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} has been revoked.")
    return redirect("accounts:team", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request, slug, pk):
    """GET asks "Are you sure?"; POST removes the role."""
    organisation = _organisation_for_admin(request, slug)
    membership = membership_in(organisation=organisation, pk=pk)
    if membership is None:
        raise Http404("No such member")
    if request.method == "GET":
        return render(
            request,
            "accounts/membership_remove.html",
            {"organisation": organisation, "membership": membership},
        )
    try:
        services.membership_remove(membership=membership, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{membership.user} no longer has the {membership.get_role_display().lower()} role "
            f"at {organisation.name}.",
        )
    return redirect("accounts:team", slug=organisation.slug)


def invitation_accept(request, token):
    """Anyone with the link sees who invited them; only the invited address can accept."""
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    context = {"invitation": invitation}
    if not request.user.is_authenticated:
        next_q = urlencode({"next": request.path})
        context["login_url"] = f"{reverse('account_login')}?{next_q}"
        context["signup_url"] = f"{reverse('account_signup')}?{next_q}"
        return render(request, "accounts/invitation_accept.html", context)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            context["error"] = error.message
        else:
            messages.success(
                request,
                f"You have joined {membership.organisation.name}. Your role is "
                f"{membership.get_role_display().lower()}.",
            )
            return redirect("accounts:dashboard")
    return render(request, "accounts/invitation_accept.html", context)
