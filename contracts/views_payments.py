"""Billing set-up (buyer organisations) and payouts set-up (suppliers).

The pages exist only when payments go through Stripe (``PAYMENT_PROVIDER``): with the ledger
there is nothing to set up, and they answer 404.

Card and bank details are entered on Stripe's pages (Checkout in setup mode, Connect
onboarding), never on ours, so there is no Stripe JavaScript here. Each page is only for the
people who may act: a commissioner of the organisation, or an admin of the supplier. Anyone
else gets a 404, so the pages give nothing away.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from marketplace.accounts.models import Membership, Organisation, Role
from marketplace.core.errors import DomainError
from suppliers.models import SupplierProfile

from .forms_payments import BillingStartForm, PayoutsStartForm
from .models import BuyerBillingAccount, SupplierPayoutAccount
from .providers import uses_stripe
from .services import payments as services


def _stripe_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not uses_stripe():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _commissioner_orgs(user):
    ids = Membership.objects.filter(user=user, role=Role.COMMISSIONER).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _commissioner_org(request, slug: str) -> Organisation:
    return get_object_or_404(_commissioner_orgs(request.user), slug=slug)


def _admin_suppliers(user):
    ids = Membership.objects.filter(user=user, role=Role.SUPPLIER_ADMIN).values("organisation_id")
    return SupplierProfile.objects.filter(organisation_id__in=ids).select_related("organisation")


def _admin_supplier(request, pk: int) -> SupplierProfile:
    return get_object_or_404(_admin_suppliers(request.user), pk=pk)


@login_required
@_stripe_only
def billing(request):
    organisations = list(_commissioner_orgs(request.user))
    if not organisations:
        raise Http404
    accounts = {
        a.organisation_id: a
        for a in BuyerBillingAccount.objects.filter(organisation__in=organisations)
    }
    rows = [(org, accounts.get(org.pk)) for org in organisations]
    return render(
        request, "contracts/payments/billing.html", {"rows": rows, "form": BillingStartForm()}
    )


@login_required
@require_POST
@_stripe_only
def billing_start(request, slug):
    organisation = _commissioner_org(request, slug)
    done = request.build_absolute_uri(reverse("contracts:billing_done", args=[slug]))
    try:
        url = services.billing_checkout_url(
            organisation=organisation,
            by=request.user,
            success_url=done,
            cancel_url=request.build_absolute_uri(reverse("contracts:billing")),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("contracts:billing")
    return redirect(url)


@login_required
@_stripe_only
def billing_done(request, slug):
    organisation = _commissioner_org(request, slug)
    session_id = request.GET.get("session_id", "")
    if not session_id:
        return redirect("contracts:billing")
    try:
        services.billing_setup_complete_checkout(
            organisation=organisation, by=request.user, session_id=session_id
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Card saved. {organisation.name} can now pay claims by card.")
    return redirect("contracts:billing")


@login_required
@_stripe_only
def payouts(request):
    suppliers = list(_admin_suppliers(request.user))
    if not suppliers:
        raise Http404
    accounts = {
        a.supplier_id: a for a in SupplierPayoutAccount.objects.filter(supplier__in=suppliers)
    }
    rows = [(supplier, accounts.get(supplier.pk)) for supplier in suppliers]
    return render(
        request, "contracts/payments/payouts.html", {"rows": rows, "form": PayoutsStartForm()}
    )


def _payouts_link(request, supplier):
    return services.payout_onboarding_link(
        supplier=supplier,
        by=request.user,
        return_url=request.build_absolute_uri(
            reverse("contracts:payouts_return", args=[supplier.pk])
        ),
        refresh_url=request.build_absolute_uri(
            reverse("contracts:payouts_refresh", args=[supplier.pk])
        ),
    )


@login_required
@_stripe_only
def payouts_start(request, pk):
    """POST from our page, or GET when Stripe sends the person back for a fresh link."""
    supplier = _admin_supplier(request, pk)
    if request.method == "GET" and request.resolver_match.url_name != "payouts_refresh":
        return redirect("contracts:payouts")
    try:
        url = _payouts_link(request, supplier)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("contracts:payouts")
    return redirect(url)


@login_required
@_stripe_only
def payouts_return(request, pk):
    supplier = _admin_supplier(request, pk)
    try:
        account = services.payout_account_refresh(supplier=supplier, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if account.onboarding_complete:
            messages.success(request, "Payouts set up. Approved claims will be paid to you.")
        else:
            messages.info(
                request, "Stripe needs more details before you can be paid. Continue setting up."
            )
    return redirect("contracts:payouts")
