from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import memberships_for


@login_required
def dashboard(request):
    """What the signed-in person can do, grouped by the organisations they belong to."""
    return render(
        request,
        "accounts/dashboard.html",
        {"memberships": memberships_for(user=request.user)},
    )
