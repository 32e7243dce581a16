"""Staff admin for contracts, claims and payments: read-only lists and inspect screens, and the
two payment actions ("Mark as paid", "Try again") going through the payment services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract, Payment
from marketplace.core.audit import AuditEvent
from tests.factories.contracts import commissioner_for, contract_with_plan
from tests.factories.contracts_portfolio import decided_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_with_plan()


@pytest.fixture
def staff(client, mfa_login, staff_user):
    mfa_login(client, staff_user)
    return staff_user


def _payment(contract, status, provider=Payment.Provider.LEDGER) -> Payment:
    claim = decided_claim(
        contract.milestones.order_by("order").first(), payment_status=status, provider=provider
    )
    payment = claim.payment
    if status == Payment.Status.FAILED:
        Payment.objects.filter(pk=payment.pk).update(
            failed_at=timezone.now(), failure_reason="Card declined"
        )
        payment.refresh_from_db()
    return payment


def _act_url(payment) -> str:
    return reverse("payment_admin:act", args=[payment.pk])


@pytest.mark.parametrize(
    "name", ["contract_admin:index", "claim_admin:index", "payment_admin:index"]
)
def test_staff_can_list(client, staff, contract, name):
    _payment(contract, Payment.Status.SUBMITTED)
    response = client.get(reverse(name))
    assert response.status_code == 200


def test_staff_can_inspect_a_contract(client, staff, contract):
    response = client.get(reverse("contract_admin:inspect", args=[contract.pk]))
    assert response.status_code == 200
    assert contract.reference in response.content.decode()


def test_no_add_edit_or_delete_screens(contract):
    from django.urls import NoReverseMatch

    for name in ("contract_admin:add", "payment_admin:edit", "claim_admin:delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[contract.pk] if not name.endswith("add") else [])


def test_staff_marks_a_ledger_payment_paid(client, staff, contract):
    payment = _payment(contract, Payment.Status.SUBMITTED)
    page = client.get(_act_url(payment)).content.decode()
    assert "Mark as paid" in page and "Try again" not in page
    response = client.post(_act_url(payment), {"action": "mark_paid"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.paid_at is not None
    assert AuditEvent.objects.filter(actor=staff, verb__startswith="payment.").exists()


def test_staff_tries_a_failed_payment_again(client, staff, contract):
    payment = _payment(contract, Payment.Status.FAILED, provider=Payment.Provider.STRIPE)
    page = client.get(_act_url(payment)).content.decode()
    assert "Try again" in page and "Mark as paid" not in page
    client.post(_act_url(payment), {"action": "retry"})
    payment.refresh_from_db()
    assert payment.status != Payment.Status.FAILED
    assert payment.failure_reason == ""
    assert AuditEvent.objects.filter(actor=staff, verb="payment.retried").exists()


def test_stripe_payments_cannot_be_marked_paid_by_hand(client, staff, contract):
    payment = _payment(contract, Payment.Status.SUBMITTED, provider=Payment.Provider.STRIPE)
    assert "Mark as paid" not in client.get(_act_url(payment)).content.decode()
    client.post(_act_url(payment), {"action": "mark_paid"})
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED


@pytest.mark.parametrize("action", ["retry", "mark_paid", "delete", ""])
def test_actions_the_status_does_not_allow_change_nothing(client, staff, contract, action):
    payment = _payment(contract, Payment.Status.PAID)
    response = client.post(_act_url(payment), {"action": action}, follow=True)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_not_staff_cannot_act(client, mfa_login, with_totp, contract):
    payment = _payment(contract, Payment.Status.SUBMITTED)
    mfa_login(client, with_totp(commissioner_for(contract)))
    response = client.post(_act_url(payment), {"action": "mark_paid"})
    assert response.status_code in (302, 403)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED


def test_anonymous_is_sent_to_sign_in(client, contract):
    payment = _payment(contract, Payment.Status.SUBMITTED)
    response = client.get(_act_url(payment))
    assert response.status_code == 302


def test_unknown_payment_is_404(client, staff):
    assert client.get(reverse("payment_admin:act", args=[999999])).status_code == 404


def test_django_admin_action_marks_paid(client, staff, contract):
    payment = _payment(contract, Payment.Status.SUBMITTED)
    response = client.post(
        "/django-admin/contracts/payment/",
        {"action": "mark_paid", "_selected_action": [payment.pk]},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_django_admin_contract_is_read_only(client, staff, contract):
    response = client.post(
        f"/django-admin/contracts/contract/{contract.pk}/change/", {"title": "Changed"}
    )
    assert response.status_code in (302, 403)
    assert Contract.objects.get(pk=contract.pk).title != "Changed"
