"""The ledger provider: approved payments are sent to the finance team, exported in the
remittance file and marked paid by a person who may do so."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from contracts.models import Payment, SupplierPayoutAccount
from contracts.services.claims import claim_approve
from contracts.services.payments import (
    REMITTANCE_COLUMNS,
    payment_execute,
    payment_mark_paid,
    payments_reconcile,
    remittance_csv,
    remittance_export,
)
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests.factories.accounts import UserFactory
from tests.factories.contracts import ContractFactory, commissioner_for
from tests.factories.contracts_c2 import milestone_claim, outcome_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(django_capture_on_commit_callbacks):
    claim, admin, commissioner = milestone_claim()
    with django_capture_on_commit_callbacks(execute=True):
        payment = claim_approve(claim=claim, by=commissioner)
    payment.refresh_from_db()
    return payment, admin, commissioner


def test_approval_sends_the_payment_to_finance(approved):
    payment, _, _ = approved
    assert payment.provider == Payment.Provider.LEDGER
    assert payment.status == Payment.Status.SUBMITTED
    assert payment.submitted_at is not None
    assert payment.attempts == 1
    # Executing again changes nothing.
    assert payment_execute(payment_id=payment.pk).status == Payment.Status.SUBMITTED
    payment.refresh_from_db()
    assert payment.attempts == 1


def test_remittance_file_lists_what_finance_pays(approved):
    payment, _, _ = approved
    supplier = payment.contract.supplier
    SupplierPayoutAccount.objects.create(supplier=supplier, bank_reference="=HYPERLINK(1)")
    text = remittance_csv(payments=Payment.objects.all())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == REMITTANCE_COLUMNS
    assert rows[1] == [
        supplier.display_name,
        "'=HYPERLINK(1)",  # never a live formula in a spreadsheet
        "20000.00",
        payment.contract.reference,
        str(payment.claim.milestone),
        payment.claim.reference,
        str(payment.pk),
    ]


def test_remittance_export_records_the_first_export(approved):
    payment, _, commissioner = approved
    remittance_export(payments=Payment.objects.all(), by=commissioner)
    payment.refresh_from_db()
    first = payment.exported_at
    assert first is not None
    remittance_export(payments=Payment.objects.all(), by=commissioner)
    payment.refresh_from_db()
    assert payment.exported_at == first


def test_pence_are_written_with_two_decimals():
    claim, _, commissioner = outcome_claim(units=1)
    payment = claim_approve(claim=claim, by=commissioner)
    Payment.objects.filter(pk=payment.pk).update(amount_pence=100_005)
    rows = list(csv.reader(io.StringIO(remittance_csv(payments=Payment.objects.all()))))
    assert rows[1][2] == "1000.05"


def test_finance_marks_a_ledger_payment_paid(
    approved, django_capture_on_commit_callbacks, mailoutbox
):
    payment, admin, commissioner = approved
    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_paid(payment=payment, by=commissioner)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_at is not None
    assert mailoutbox[-1].to == [admin.email]
    with pytest.raises(InvalidTransition):
        payment_mark_paid(payment=payment, by=commissioner)


def test_staff_may_mark_paid(approved):
    payment, _, _ = approved
    payment_mark_paid(payment=payment, by=UserFactory(is_staff=True))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


@pytest.mark.parametrize("who", ["supplier_admin", "other_commissioner", "nobody"])
def test_others_cannot_mark_paid(approved, who):
    payment, admin, _ = approved
    user = {
        "supplier_admin": lambda: admin,
        "other_commissioner": lambda: commissioner_for(ContractFactory()),
        "nobody": UserFactory,
    }[who]()
    with pytest.raises(PermissionDenied):
        payment_mark_paid(payment=payment, by=user)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED


def test_stripe_payments_are_not_marked_paid_by_hand(approved):
    payment, _, commissioner = approved
    Payment.objects.filter(pk=payment.pk).update(provider=Payment.Provider.STRIPE)
    with pytest.raises(ValidationFailed, match="marked paid by Stripe"):
        payment_mark_paid(payment=payment, by=commissioner)


def test_reconciliation_sends_payments_whose_task_was_lost():
    claim, _, commissioner = milestone_claim()
    payment = claim_approve(claim=claim, by=commissioner)  # on_commit never ran: task lost
    assert payments_reconcile() == 0  # too recent to be called lost
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert payments_reconcile(now=later) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED
