"""Supplier profile services: creation, editing rules and every lifecycle transition."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.accounts.models import Membership, Organisation, Role
from marketplace.core.errors import InvalidTransition, ValidationFailed
from marketplace.core.models import AuditEvent
from suppliers import services
from suppliers.models import Capability, Region, SupplierProfile
from tests.factories import MembershipFactory, UserFactory
from tests.factories.suppliers import (
    CertificationFactory,
    SupplierProfileFactory,
)

Status = SupplierProfile.Status
ALL = list(Status)

pytestmark = pytest.mark.django_db


def _complete_profile(**kwargs):
    """A draft profile with every required part answered."""
    profile = SupplierProfileFactory(
        contact_name="Ada Lovelace",
        contact_email="ada@example.org",
        completed_steps=["name", "company", "vcse", "address", "regions"],
        remote_delivery=True,
        **kwargs,
    )
    profile.capabilities.add(Capability.objects.filter(parent__isnull=False).first())
    return profile


def _admin_of(profile):
    return MembershipFactory(organisation=profile.organisation, role=Role.SUPPLIER_ADMIN).user


def _at(status, **kwargs):
    extra = {}
    if status in (Status.APPROVED,):
        extra["approved_at"] = timezone.now()
    if status == Status.SUSPENDED:
        extra.update(approved_at=timezone.now(), suspended_at=timezone.now())
    return _complete_profile(status=status, **extra, **kwargs)


def test_supplier_create_makes_organisation_membership_and_draft(supplier_admin):
    user = UserFactory()
    profile = services.supplier_create(name="Bright Ideas Ltd", by=user)
    assert profile.status == Status.DRAFT
    assert profile.organisation.kind == Organisation.Kind.SUPPLIER
    assert profile.slug == "bright-ideas-ltd"
    assert Membership.objects.filter(
        user=user, organisation=profile.organisation, role=Role.SUPPLIER_ADMIN
    ).exists()
    assert AuditEvent.objects.filter(verb="supplier.created", object_id=str(profile.pk)).exists()


def test_supplier_create_gives_unique_slugs_and_avoids_reserved_paths():
    user = UserFactory()
    first = services.supplier_create(name="Same Name", by=user)
    second = services.supplier_create(name="Same Name", by=user)
    join = services.supplier_create(name="Join", by=user)
    assert first.slug != second.slug
    assert join.slug not in services.RESERVED_SLUGS


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01234567", "01234567"),
        ("sc123456", "SC123456"),
        ("NI 012345", "NI012345"),
        ("OC301540", "OC301540"),
        ("R0123456", "R0123456"),
        ("so305210", "SO305210"),
        ("NC000123", "NC000123"),
    ],
)
def test_company_number_formats_accepted(typed, stored):
    profile = SupplierProfileFactory(company_number="")
    profile = services.profile_update(profile=profile, by=_admin_of(profile), company_number=typed)
    assert profile.company_number == stored
    assert profile.company_number_verified is False


@pytest.mark.parametrize(
    "typed", ["1234567", "123456789", "XX123456", "SC12345", "S1234567", "ABCDEFGH"]
)
def test_company_number_in_wrong_format_is_refused(typed):
    profile = SupplierProfileFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.profile_update(profile=profile, by=_admin_of(profile), company_number=typed)
    assert exc.value.message == services.COMPANY_NUMBER_FORMAT_MESSAGE
    assert exc.value.field == "company_number"


def test_duplicate_company_number_is_refused():
    SupplierProfileFactory(company_number="01234567")
    profile = SupplierProfileFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.profile_update(profile=profile, by=_admin_of(profile), company_number="01234567")
    assert exc.value.message == services.COMPANY_NUMBER_TAKEN_MESSAGE


def test_vat_number_checksum():
    profile = SupplierProfileFactory()
    admin = _admin_of(profile)
    profile = services.profile_update(profile=profile, by=admin, vat_number="GB 980 7806 84")
    assert profile.vat_number == "GB980780684"
    with pytest.raises(ValidationFailed) as exc:
        services.profile_update(profile=profile, by=admin, vat_number="GB980780685")
    assert exc.value.message == services.VAT_NUMBER_MESSAGE


def test_vcse_flag_follows_vcse_type():
    profile = SupplierProfileFactory()
    admin = _admin_of(profile)
    profile = services.profile_update(profile=profile, by=admin, vcse_type="charity", step="vcse")
    assert profile.is_vcse is True
    assert "vcse" in profile.completed_steps
    profile = services.profile_update(profile=profile, by=admin, vcse_type="")
    assert profile.is_vcse is False


def test_profile_update_refuses_unknown_fields():
    profile = SupplierProfileFactory()
    with pytest.raises(ValueError):
        services.profile_update(profile=profile, by=_admin_of(profile), status="approved")


@pytest.mark.parametrize("status", ALL)
def test_profile_update_allowed_only_while_editable(status):
    # Contact name, not an identity field: identity changes to an approved profile are held for
    # review (tests/suppliers/test_identity_review.py).
    profile = _at(status)
    admin = _admin_of(profile)
    if status in {"draft", "changes_requested", "approved"}:
        updated = services.profile_update(profile=profile, by=admin, contact_name="New Name")
        assert updated.contact_name == "New Name"
        assert updated.status == status  # an approved profile stays approved
        assert AuditEvent.objects.filter(
            verb="supplier.profile_updated",
            object_id=str(profile.pk),
            payload__fields=["contact_name"],
        ).exists()
    else:
        before = profile.contact_name
        with pytest.raises(InvalidTransition):
            services.profile_update(profile=profile, by=admin, contact_name="New Name")
        profile.refresh_from_db()
        assert profile.contact_name == before


def test_profile_set_size_classifies_and_is_never_self_declared():
    profile = SupplierProfileFactory(size_band="", is_sme=None)
    profile = services.profile_set_size(
        profile=profile,
        by=_admin_of(profile),
        staff_headcount=300,
        turnover_pence=50 * 100_000_000,
        balance_sheet_pence=50 * 100_000_000,
    )
    assert (profile.size_band, profile.is_sme) == ("large", False)
    assert "size" in profile.completed_steps


def test_profile_set_size_with_missing_input_clears_band():
    profile = SupplierProfileFactory()
    profile = services.profile_set_size(
        profile=profile,
        by=_admin_of(profile),
        staff_headcount=3,
        turnover_pence=None,
        balance_sheet_pence=0,
    )
    assert profile.size_band == ""
    assert profile.is_sme is None
    assert profile.staff_headcount == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"staff_headcount": -1}, "staff_headcount"),
        ({"staff_headcount": 5_000_001}, "staff_headcount"),
        ({"turnover_pence": -1}, "turnover_pence"),
        ({"balance_sheet_pence": 10**15 + 1}, "balance_sheet_pence"),
    ],
)
def test_profile_set_size_refuses_absurd_numbers(kwargs, field):
    profile = SupplierProfileFactory()
    args = {"staff_headcount": 5, "turnover_pence": 0, "balance_sheet_pence": 0, **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.profile_set_size(profile=profile, by=_admin_of(profile), **args)
    assert exc.value.field == field


def test_profile_set_location_fills_region_from_postcode():
    profile = SupplierProfileFactory(postcode="", latitude=None, longitude=None, region=None)
    profile = services.profile_set_location(
        profile=profile,
        by=_admin_of(profile),
        address_line_1="10 Downing Street",
        town="London",
        postcode="sw1a2aa",
    )
    assert profile.postcode == "SW1A 2AA"
    assert profile.region == Region.objects.get(code="TLI")
    assert profile.district_name == "Westminster"
    assert 51 < profile.latitude < 52
    assert profile.country == "England"


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("ZZ99 9ZZ", "We could not find that postcode. Check it and try again, like SW1A 2AA"),
        ("hello", "Enter a real postcode, like SW1A 2AA"),
    ],
)
def test_profile_set_location_refuses_bad_postcode_with_geo_message(postcode, message):
    profile = SupplierProfileFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.profile_set_location(
            profile=profile, by=_admin_of(profile), address_line_1="1 High St", postcode=postcode
        )
    assert exc.value.message == message
    profile.refresh_from_db()
    assert profile.postcode == "LS1 4DY"


def test_profile_set_regions_whole_uk_clears_region_list():
    profile = SupplierProfileFactory()
    admin = _admin_of(profile)
    services.profile_set_regions(
        profile=profile,
        by=admin,
        regions=Region.objects.filter(code__in=["TLE", "TLI"]),
        serves_whole_uk=False,
        remote_delivery=False,
    )
    assert set(profile.regions_served.values_list("code", flat=True)) == {"TLE", "TLI"}
    services.profile_set_regions(
        profile=profile, by=admin, regions=[], serves_whole_uk=True, remote_delivery=True
    )
    profile.refresh_from_db()
    assert profile.serves_whole_uk and profile.remote_delivery
    assert not profile.regions_served.exists()
    with pytest.raises(ValidationFailed):
        services.profile_set_regions(
            profile=profile, by=admin, regions=[], serves_whole_uk=False, remote_delivery=False
        )


def test_profile_set_capabilities_refuses_headings():
    profile = SupplierProfileFactory()
    heading = Capability.objects.filter(parent__isnull=True).first()
    with pytest.raises(ValidationFailed):
        services.profile_set_capabilities(
            profile=profile, by=_admin_of(profile), capabilities=[heading]
        )


def test_certification_with_past_expiry_is_refused():
    profile = SupplierProfileFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.certification_add(
            profile=profile,
            by=_admin_of(profile),
            scheme="cyber_essentials",
            expires_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert exc.value.message == services.CERTIFICATE_EXPIRED_MESSAGE
    assert not profile.certifications.exists()


def test_evidence_add_update_remove_audited():
    profile = SupplierProfileFactory()
    admin = _admin_of(profile)
    cert = services.certification_add(
        profile=profile, by=admin, scheme="iso_27001", expires_on=timezone.localdate()
    )
    services.certification_update(certification=cert, by=admin, certificate_number="ABC-1")
    services.certification_remove(certification=cert, by=admin)
    study = services.case_study_add(
        profile=profile, by=admin, title="T", buyer_name="B", challenge="C", outcome="O"
    )
    services.case_study_update(case_study=study, by=admin, title="T2")
    services.case_study_remove(case_study=study, by=admin)
    cap = Capability.objects.filter(parent__isnull=False).first()
    listing = services.listing_add(
        profile=profile,
        by=admin,
        kind="proof_of_concept",
        title="Pilot",
        summary="S",
        price_model="fixed",
        price_pence=150_000,
        capabilities=[cap],
    )
    assert list(listing.capabilities.all()) == [cap]
    services.listing_update(listing=listing, by=admin, title="Pilot 2")
    services.listing_remove(listing=listing, by=admin)
    verbs = set(AuditEvent.objects.filter(object_id=str(profile.pk)).values_list("verb", flat=True))
    assert {
        "supplier.certification_added",
        "supplier.certification_updated",
        "supplier.certification_removed",
        "supplier.case_study_added",
        "supplier.case_study_updated",
        "supplier.case_study_removed",
        "supplier.listing_added",
        "supplier.listing_updated",
        "supplier.listing_removed",
    } <= verbs


def test_case_study_end_before_start_is_refused():
    profile = SupplierProfileFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.case_study_add(
            profile=profile,
            by=_admin_of(profile),
            title="T",
            buyer_name="B",
            challenge="C",
            outcome="O",
            start_date=datetime.date(2024, 5, 1),
            end_date=datetime.date(2024, 4, 1),
        )
    assert exc.value.field == "end_date"


def test_evidence_refused_while_submitted():
    profile = _at(Status.SUBMITTED)
    cert = CertificationFactory(profile=profile)
    with pytest.raises(InvalidTransition):
        services.certification_remove(certification=cert, by=_admin_of(profile))
    assert profile.certifications.count() == 1


# --- Transitions ------------------------------------------------------------------------------

TRANSITIONS = [
    # (service, kwargs, allowed from (stated here, not imported), resulting status, event)
    (services.profile_submit, {}, {"draft", "changes_requested"}, Status.SUBMITTED, "submitted"),
    (services.profile_approve, {}, {"submitted"}, Status.APPROVED, "approved"),
    (
        services.profile_request_changes,
        {"reasons": "Add your VAT number."},
        {"submitted"},
        Status.CHANGES_REQUESTED,
        "changes_requested",
    ),
    (
        services.profile_reject,
        {"reasons": "Not a real company."},
        {"submitted"},
        Status.REJECTED,
        "rejected",
    ),
    (
        services.profile_suspend,
        {"reason": "Certificate fraud under investigation."},
        {"approved"},
        Status.SUSPENDED,
        "suspended",
    ),
    (
        services.profile_reinstate,
        {"reason": "Investigation closed."},
        {"suspended"},
        Status.APPROVED,
        "reinstated",
    ),
]
CASES = [
    pytest.param(
        service, kwargs, status, status in allowed, result, event, id=f"{service.__name__}-{status}"
    )
    for service, kwargs, allowed, result, event in TRANSITIONS
    for status in ALL
]


@pytest.mark.parametrize(("service", "kwargs", "status", "allowed", "result", "event"), CASES)
def test_transition_allowed_and_refused(
    service, kwargs, status, allowed, result, event, staff_user, django_capture_on_commit_callbacks
):
    profile = _at(status)
    admin = _admin_of(profile)
    actor = admin if service is services.profile_submit else staff_user
    before = AuditEvent.objects.count()
    if not allowed:
        with pytest.raises(InvalidTransition):
            service(profile=profile, by=actor, **kwargs)
        profile.refresh_from_db()
        assert profile.status == status
        assert AuditEvent.objects.count() == before
        return
    with django_capture_on_commit_callbacks(execute=True):
        updated = service(profile=profile, by=actor, **kwargs)
    profile.refresh_from_db()
    assert profile.status == updated.status == result
    audit_row = AuditEvent.objects.get(verb=f"supplier.{event}", object_id=str(profile.pk))
    assert audit_row.actor == actor
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin.email]
    for reason in kwargs.values():
        assert reason in mail.outbox[0].body
        assert audit_row.payload["reasons"] == reason


def test_submit_stamps_and_approve_stamps(staff_user):
    profile = _complete_profile()
    admin = _admin_of(profile)
    services.profile_submit(profile=profile, by=admin)
    profile.refresh_from_db()
    assert profile.submitted_by == admin and profile.submitted_at is not None
    services.profile_approve(profile=profile, by=staff_user)
    profile.refresh_from_db()
    assert profile.reviewed_by == staff_user and profile.approved_at is not None


def test_submit_refused_with_list_of_what_is_missing():
    profile = SupplierProfileFactory(summary="", contact_name="")
    with pytest.raises(ValidationFailed) as exc:
        services.profile_submit(profile=profile, by=_admin_of(profile))
    assert exc.value.message.startswith("You need to finish these parts before you submit: ")
    assert "A summary of what your organisation does" in exc.value.message
    assert "A contact name and email address" in exc.value.message
    profile.refresh_from_db()
    assert profile.status == Status.DRAFT


@pytest.mark.parametrize(
    ("service", "key"),
    [
        (services.profile_request_changes, "reasons"),
        (services.profile_reject, "reasons"),
        (services.profile_suspend, "reason"),
        (services.profile_reinstate, "reason"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_reasons_are_required(service, key, blank, staff_user):
    status = {
        services.profile_suspend: Status.APPROVED,
        services.profile_reinstate: Status.SUSPENDED,
    }.get(service, Status.SUBMITTED)
    profile = _at(status)
    with pytest.raises(ValidationFailed) as exc:
        service(profile=profile, by=staff_user, **{key: blank})
    assert exc.value.message.startswith("Enter ")
    profile.refresh_from_db()
    assert profile.status == status


def test_resubmission_after_changes_requested(staff_user, django_capture_on_commit_callbacks):
    profile = _at(Status.SUBMITTED)
    admin = _admin_of(profile)
    services.profile_request_changes(profile=profile, by=staff_user, reasons="Fix the summary")
    services.profile_update(profile=profile, by=admin, summary="A better summary")
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_submit(profile=profile, by=admin)
    profile.refresh_from_db()
    assert profile.status == Status.SUBMITTED
    assert mail.outbox[-1].subject == "We have received your supplier profile"


# --- Atomicity --------------------------------------------------------------------------------


class Boom(Exception):
    pass


@pytest.mark.parametrize(
    ("service", "status", "kwargs"),
    [
        (services.profile_submit, Status.DRAFT, {}),
        (services.profile_approve, Status.SUBMITTED, {}),
        (services.profile_request_changes, Status.SUBMITTED, {"reasons": "x"}),
        (services.profile_reject, Status.SUBMITTED, {"reasons": "x"}),
        (services.profile_suspend, Status.APPROVED, {"reason": "x"}),
        (services.profile_reinstate, Status.SUSPENDED, {"reason": "x"}),
    ],
)
def test_transition_is_atomic_when_audit_fails(
    service, status, kwargs, monkeypatch, staff_user, django_capture_on_commit_callbacks
):
    profile = _at(status)
    admin = _admin_of(profile)

    def failing_audit(*args, **kw):
        raise Boom

    monkeypatch.setattr("suppliers.services.review.audit", failing_audit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        service(
            profile=profile,
            by=admin if service is services.profile_submit else staff_user,
            **kwargs,
        )
    profile.refresh_from_db()
    assert profile.status == status
    assert profile.submitted_by is None
    assert callbacks == []
    assert mail.outbox == []


def test_supplier_create_is_atomic_when_audit_fails(monkeypatch):
    user = UserFactory()
    monkeypatch.setattr(
        "suppliers.services.profile.audit", lambda *a, **k: (_ for _ in ()).throw(Boom())
    )
    with pytest.raises(Boom):
        services.supplier_create(name="Half Written Ltd", by=user)
    assert not Organisation.objects.filter(name="Half Written Ltd").exists()
    assert not Membership.objects.filter(user=user).exists()
    assert not SupplierProfile.objects.filter(legal_name="Half Written Ltd").exists()


def test_submit_enqueues_email_only_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The email task is queued on commit: if enqueueing fails, the submission itself stands,
    and if the transaction rolls back, nothing is queued."""
    from suppliers import tasks

    profile = _complete_profile()
    admin = _admin_of(profile)
    queued = []
    monkeypatch.setattr(tasks.send_profile_status_email, "delay", lambda *a: queued.append(a))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.profile_submit(profile=profile, by=admin)
        assert queued == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued == [(profile.pk, "submitted", "")]


def test_email_task_skips_stale_event_and_unknown_profile(staff_user):
    from suppliers.tasks import send_profile_status_email

    profile = _at(Status.APPROVED)
    _admin_of(profile)
    assert send_profile_status_email(profile.pk, "rejected") == 0
    assert send_profile_status_email(999_999, "approved") == 0
    assert send_profile_status_email(profile.pk, "approved") == 1
    with pytest.raises(ValueError):
        send_profile_status_email(profile.pk, "nonsense")


def test_email_goes_only_to_supplier_admins(staff_user, django_capture_on_commit_callbacks):
    profile = _at(Status.SUBMITTED)
    admin = _admin_of(profile)
    MembershipFactory(organisation=profile.organisation, role=Role.SUPPLIER_MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_reject(profile=profile, by=staff_user, reasons="We could not verify you")
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "We could not verify you" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Your supplier profile has been rejected"


@pytest.mark.parametrize(
    ("service", "status", "kwargs"),
    [
        (services.profile_submit, Status.DRAFT, {}),
        (services.profile_approve, Status.SUBMITTED, {}),
        (services.profile_request_changes, Status.SUBMITTED, {"reasons": "x"}),
        (services.profile_suspend, Status.APPROVED, {"reason": "x"}),
    ],
)
def test_transition_is_atomic_when_queueing_the_email_fails(
    service, status, kwargs, monkeypatch, staff_user
):
    profile = _at(status)
    admin = _admin_of(profile)
    audit_count = AuditEvent.objects.count()

    def failing_notify(*args, **kw):
        raise Boom

    monkeypatch.setattr("suppliers.services.review._notify", failing_notify)
    with pytest.raises(Boom):
        service(
            profile=profile,
            by=admin if service is services.profile_submit else staff_user,
            **kwargs,
        )
    profile.refresh_from_db()
    assert profile.status == status
    assert AuditEvent.objects.count() == audit_count
