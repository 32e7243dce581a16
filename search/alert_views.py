"""Search alert pages: save the challenge search on screen, list your alerts, stop one.
The rules are in ``search.alerts``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError

from .alerts import (
    MAX_ALERTS_PER_USER,
    alert_form,
    alert_problem,
    alerts_of,
    saved_query,
    search_alert_delete,
    search_alert_save,
)
from .models import SearchAlert
from .views import filter_tags


def describe(form) -> list[str]:
    """The alert's search in words: its filter tags, or what an empty search finds."""
    labels = [tag.label for tag in filter_tags(form, form.data)] if form.is_bound else []
    return labels or ["Every new challenge"]


@login_required
def alert_list(request):
    alerts = []
    for alert in alerts_of(request.user):
        form = alert_form(alert)
        alerts.append(
            {
                "alert": alert,
                "problem": alert_problem(form),
                "describe": describe(form),
                "query": alert.query,
            }
        )
    return render(
        request,
        "search/alerts.html",
        {"alerts": alerts, "max_alerts": MAX_ALERTS_PER_USER},
    )


@login_required
@require_POST
def alert_create(request):
    data = QueryDict(request.POST.get("query", ""))
    # Back to the same search, re-encoded: the posted text is never put in a header as it is.
    query = saved_query(data)
    back = reverse("challenges:list") + (f"?{query}" if query else "")
    try:
        alert, created = search_alert_save(user=request.user, data=data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    words = "; ".join(describe(alert_form(alert)))
    if created:
        messages.success(request, f"We will email you when a new challenge matches: {words}.")
    else:
        messages.info(request, f"You already get emails for this search: {words}.")
    return redirect("search:alerts")


@login_required
@require_POST
def alert_delete(request, pk: int):
    try:
        search_alert_delete(user=request.user, alert_id=pk)
    except SearchAlert.DoesNotExist:
        raise Http404("No such search alert") from None
    messages.success(request, "You will no longer get emails for that search.")
    return redirect("search:alerts")
