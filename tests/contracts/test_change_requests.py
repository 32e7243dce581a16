"""Change requests: a supplier admin proposes (more time, scope, moving money between
milestones, ending early); a commissioner approves (new contract version, new PDF) or refuses;
the supplier may withdraw. Every status, the wrong people, bad input, half-way failures."""

import datetime
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError
from django.utils import timezone

from contracts.models import ChangeRequest, Contract, ContractDocument, Milestone
from contracts.services import changes as svc
from contracts.signals import contract_ended
from marketplace.accounts.models import Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.contracts import buyer_user_for, commissioner_for, supplier_admin_for
from tests.factories.contracts_lifecycle import CONTRACT_STATUSES, contract_in, milestones

pytestmark = pytest.mark.django_db
CR_STATUSES = [s.value for s in ChangeRequest.Status]


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def contract():
    return contract_in("active")


@pytest.fixture
def admin(contract):
    return supplier_admin_for(contract)


@pytest.fixture
def commissioner(contract):
    return commissioner_for(contract)


def propose(contract, admin, kind="extension", **kwargs):
    defaults = {
        "extension": {"new_ends_on": contract.ends_on + datetime.timedelta(weeks=4)},
        "scope": {"scope_text": "Test in 3 care homes instead of 5."},
        "reallocation": {
            "reallocation": [
                {"milestone": m.pk, "value_pence": v}
                for m, v in zip(milestones(contract), (1_500_000, 3_500_000), strict=True)
            ]
        },
        "termination": {},
    }.get(kind, {})
    return svc.change_request_propose(
        contract=contract,
        by=admin,
        kind=kind,
        **({"reason": "The care home closed for a month."} | defaults | kwargs),
    )


def in_status(contract, admin, status, kind="extension"):
    change = propose(contract, admin, kind)
    ChangeRequest.objects.filter(pk=change.pk).update(status=status, decision_reason="Set up.")
    change.refresh_from_db()
    return change


def outsiders(contract):
    other_buyer = OrganisationFactory(kind="buyer")
    competitor = OrganisationFactory(kind="supplier")
    return [
        MembershipFactory(
            organisation=contract.supplier.organisation, role=Role.SUPPLIER_MEMBER
        ).user,
        buyer_user_for(contract),
        MembershipFactory(organisation=other_buyer, role=Role.COMMISSIONER).user,
        MembershipFactory(organisation=competitor, role=Role.SUPPLIER_ADMIN).user,
    ]


# --- Proposing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ChangeRequest.Kind.values)
def test_supplier_admin_proposes_each_kind(
    kind, contract, admin, commissioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change = propose(contract, admin, kind)

    assert change.status == "proposed"
    assert change.proposed_by == admin
    assert AuditEvent.objects.filter(verb="change_request.proposed").exists()
    told = [m for m in mail.outbox if m.subject.startswith("Change requested")]
    assert told[0].to == [commissioner.email]


@pytest.mark.parametrize("status", [s for s in CONTRACT_STATUSES if s != "active"])
def test_changes_are_proposed_only_on_an_active_contract(status):
    contract = contract_in(status)
    with pytest.raises(InvalidTransition):
        propose(contract, supplier_admin_for(contract))


def test_only_a_supplier_admin_of_the_contract_may_propose(contract, commissioner):
    for person in [*outsiders(contract), commissioner]:
        with pytest.raises(PermissionDenied):
            propose(contract, person)
    assert not ChangeRequest.objects.exists()


def test_one_open_request_of_each_kind(contract, admin):
    propose(contract, admin)
    with pytest.raises(ValidationFailed, match="already a request"):
        propose(contract, admin, new_ends_on=contract.ends_on + datetime.timedelta(weeks=8))
    propose(contract, admin, "scope")
    assert ChangeRequest.objects.count() == 2


def test_the_same_form_posted_twice_makes_one_request(contract, admin):
    token = uuid.uuid4()
    first = propose(contract, admin, form_token=token)
    second = propose(contract, admin, form_token=token)
    assert first.pk == second.pk
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "extension", "new_ends_on": None},
        {"kind": "extension", "new_ends_on": "2030-01-01"},
        {"kind": "scope", "scope_text": "   "},
        {"kind": "reallocation", "reallocation": []},
        {"kind": "reallocation", "reallocation": "lots"},
        {"kind": "reallocation", "reallocation": [{"milestone": 1, "value_pence": 5}]},
        {"kind": "cheaper"},
        {"kind": "termination", "reason": " "},
    ],
)
def test_bad_input_is_refused(kwargs, contract, admin):
    kind = kwargs.pop("kind")
    with pytest.raises(ValidationFailed):
        propose(contract, admin, kind, **kwargs)
    assert not ChangeRequest.objects.exists()


def test_extension_must_end_later_than_now_and_than_today(contract, admin):
    with pytest.raises(ValidationFailed, match="after the current end date"):
        propose(contract, admin, new_ends_on=contract.ends_on)
    Contract.objects.filter(pk=contract.pk).update(starts_on=later(-100), ends_on=later(-10))
    contract.refresh_from_db()
    with pytest.raises(ValidationFailed, match="in the future"):
        propose(contract, admin, new_ends_on=timezone.localdate())


def _moves(contract, *values):
    return [
        {"milestone": m.pk, "value_pence": v}
        for m, v in zip(milestones(contract), values, strict=True)
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((2_000_000, 2_999_999), "must add up to £50,000"),
        ((5_000_001, -1), "cannot be negative"),
        ((2_000_000, 3_000_000), "Change at least one"),
        ((True, 3_000_000), "in pence"),
        ((2_000_000.0, 3_000_000), "in pence"),
    ],
)
def test_reallocation_keeps_the_total_and_is_whole_pence(values, message, contract, admin):
    with pytest.raises(ValidationFailed, match=message):
        propose(contract, admin, "reallocation", reallocation=_moves(contract, *values))


def test_reallocation_refuses_claimed_milestones_and_other_contracts(contract, admin):
    first, second = milestones(contract)
    Milestone.objects.filter(pk=first.pk).update(status="submitted")
    with pytest.raises(ValidationFailed, match="has been claimed"):
        propose(contract, admin, "reallocation")
    Milestone.objects.filter(pk=first.pk).update(status="scheduled")
    stranger = milestones(contract_in("active"))[0]
    with pytest.raises(ValidationFailed, match="this contract"):
        propose(
            contract,
            admin,
            "reallocation",
            reallocation=[
                {"milestone": second.pk, "value_pence": 1_000_000},
                {"milestone": stranger.pk, "value_pence": 4_000_000},
            ],
        )


# --- Approving ---------------------------------------------------------------------------------


def test_approving_an_extension_moves_the_end_date(
    contract, admin, commissioner, django_capture_on_commit_callbacks
):
    change = propose(contract, admin)
    with django_capture_on_commit_callbacks(execute=True):
        result = svc.change_request_approve(change_request=change, by=commissioner, reason="Fine")

    contract.refresh_from_db()
    assert contract.ends_on == change.new_ends_on
    assert contract.version == 2
    assert (result.status, result.resulting_version, result.decided_by) == (
        "approved",
        2,
        commissioner,
    )
    document = contract.documents.get(kind=ContractDocument.Kind.CONTRACT, version=2)
    assert "More time" in document.reason
    event = AuditEvent.objects.get(verb="change_request.approved")
    assert event.payload["previous_status"] == "proposed"
    assert event.payload["version"] == 2
    decided = [m for m in mail.outbox if m.subject.startswith("Change request approved")]
    assert decided[0].to == [admin.email]


def test_approving_a_scope_change_replaces_the_scope(contract, admin, commissioner):
    svc.change_request_approve(change_request=propose(contract, admin, "scope"), by=commissioner)
    contract.refresh_from_db()
    assert contract.special_terms == "Test in 3 care homes instead of 5."


def test_approving_a_reallocation_moves_money_between_milestones(contract, admin, commissioner):
    svc.change_request_approve(
        change_request=propose(contract, admin, "reallocation"), by=commissioner
    )
    assert [m.value_pence for m in milestones(contract)] == [1_500_000, 3_500_000]


def test_reallocation_is_checked_again_when_approved(contract, admin, commissioner):
    change = propose(contract, admin, "reallocation")
    first = milestones(contract)[0]
    Milestone.objects.filter(pk=first.pk).update(status="submitted")  # claimed meanwhile

    with pytest.raises(ValidationFailed, match="has been claimed"):
        svc.change_request_approve(change_request=change, by=commissioner)

    assert ChangeRequest.objects.get(pk=change.pk).status == "proposed"
    assert [m.value_pence for m in milestones(contract)] == [2_000_000, 3_000_000]
    assert Contract.objects.get(pk=contract.pk).version == 1


def test_approving_a_termination_ends_the_contract(
    contract, admin, commissioner, django_capture_on_commit_callbacks
):
    ended = []
    contract_ended.connect(
        lambda sender, contract, by, **kw: ended.append(contract.pk),
        dispatch_uid="test-cr-ended",
        weak=False,
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            svc.change_request_approve(
                change_request=propose(contract, admin, "termination"), by=commissioner
            )
    finally:
        contract_ended.disconnect(dispatch_uid="test-cr-ended")

    contract.refresh_from_db()
    assert contract.status == "terminated"
    assert contract.termination_reason == "The care home closed for a month."
    assert contract.version == 2
    assert ended == [contract.pk]


@pytest.mark.parametrize("status", [s for s in CR_STATUSES if s != "proposed"])
def test_approve_and_refuse_refused_from(status, contract, admin, commissioner):
    change = in_status(contract, admin, status)
    with pytest.raises(InvalidTransition):
        svc.change_request_approve(change_request=change, by=commissioner)
    with pytest.raises(InvalidTransition):
        svc.change_request_refuse(change_request=change, by=commissioner, reason="No.")
    assert Contract.objects.get(pk=contract.pk).version == 1


@pytest.mark.parametrize("status", ["draft", "completed", "terminated"])
def test_approve_needs_the_contract_still_active(status, contract, admin, commissioner):
    change = propose(contract, admin)
    Contract.objects.filter(pk=contract.pk).update(status=status, termination_reason="x")
    with pytest.raises(InvalidTransition):
        svc.change_request_approve(change_request=change, by=commissioner)


def test_only_a_commissioner_of_the_buyer_decides(contract, admin):
    change = propose(contract, admin)
    for person in [*outsiders(contract), admin]:
        with pytest.raises(PermissionDenied):
            svc.change_request_approve(change_request=change, by=person)
        with pytest.raises(PermissionDenied):
            svc.change_request_refuse(change_request=change, by=person, reason="No.")
    assert ChangeRequest.objects.get(pk=change.pk).status == "proposed"


def test_approving_is_all_or_nothing(
    contract, admin, commissioner, django_capture_on_commit_callbacks
):
    change = propose(contract, admin, "reallocation")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("contracts.services._common.audit", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.change_request_approve(change_request=change, by=commissioner)

    assert callbacks == []
    assert ChangeRequest.objects.get(pk=change.pk).status == "proposed"
    contract.refresh_from_db()
    assert contract.version == 1
    assert [m.value_pence for m in milestones(contract)] == [2_000_000, 3_000_000]
    assert not ContractDocument.objects.exists()


# --- Refusing and withdrawing ------------------------------------------------------------------


def test_refusing_needs_a_reason_and_leaves_the_contract(
    contract, admin, commissioner, django_capture_on_commit_callbacks
):
    change = propose(contract, admin)
    with pytest.raises(ValidationFailed):
        svc.change_request_refuse(change_request=change, by=commissioner, reason=" ")

    with django_capture_on_commit_callbacks(execute=True):
        result = svc.change_request_refuse(
            change_request=change, by=commissioner, reason="Finish the pilot first."
        )

    assert result.status == "refused"
    assert result.decision_reason == "Finish the pilot first."
    contract.refresh_from_db()
    assert (contract.version, contract.ends_on) == (1, change.contract.ends_on)
    message = next(m for m in mail.outbox if m.subject.startswith("Change request refused"))
    assert "Finish the pilot first." in message.body


def test_supplier_admin_withdraws_a_proposed_request(contract, admin):
    change = propose(contract, admin)
    result = svc.change_request_withdraw(change_request=change, by=admin)
    assert result.status == "withdrawn"
    propose(contract, admin)  # a new one of the same kind may follow


@pytest.mark.parametrize("status", [s for s in CR_STATUSES if s != "proposed"])
def test_withdraw_refused_from(status, contract, admin):
    change = in_status(contract, admin, status)
    with pytest.raises(InvalidTransition):
        svc.change_request_withdraw(change_request=change, by=admin)


def test_only_a_supplier_admin_withdraws(contract, admin, commissioner):
    change = propose(contract, admin)
    for person in [*outsiders(contract), commissioner]:
        with pytest.raises(PermissionDenied):
            svc.change_request_withdraw(change_request=change, by=person)


def test_refusing_is_all_or_nothing(
    contract, admin, commissioner, django_capture_on_commit_callbacks
):
    change = propose(contract, admin)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("contracts.services._common.audit", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.change_request_refuse(change_request=change, by=commissioner, reason="No.")
    assert callbacks == []
    change.refresh_from_db()
    assert (change.status, change.decision_reason, change.decided_at) == ("proposed", "", None)


def test_withdrawing_is_all_or_nothing(contract, admin):
    change = propose(contract, admin)
    with (
        mock.patch("contracts.services._common.audit", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        svc.change_request_withdraw(change_request=change, by=admin)
    assert ChangeRequest.objects.get(pk=change.pk).status == "proposed"


def test_proposing_is_all_or_nothing(contract, admin, django_capture_on_commit_callbacks):
    token = uuid.uuid4()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch(
            "contracts.services.changes.queue_email", side_effect=DatabaseError("disk full")
        ),
        pytest.raises(DatabaseError),
    ):
        propose(contract, admin, form_token=token)
    assert callbacks == []
    assert not ChangeRequest.objects.exists()
    # The token was released with the rollback: the same form can be sent again.
    assert propose(contract, admin, form_token=token).status == "proposed"
