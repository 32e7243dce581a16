"""Profile completeness: score and checklist of what is missing."""

import datetime

import pytest
from django.utils import timezone

from suppliers.completeness import CHECKS, completeness, missing_required
from suppliers.models import Capability, SupplierProfile
from tests.factories.suppliers import (
    CaseStudyFactory,
    CertificationFactory,
    ListingFactory,
    SupplierProfileFactory,
)

pytestmark = pytest.mark.django_db


def test_weights_add_up_to_one_hundred():
    assert sum(c.weight for c in CHECKS) == 100


def test_empty_profile_scores_low_and_lists_everything_required(supplier_org):
    profile = SupplierProfile.objects.create(
        organisation=supplier_org, slug="x", legal_name="X Ltd"
    )
    result = completeness(profile)
    assert result.score == 6  # only the name (5 of the 80 points the required items carry)
    assert not result.ready_to_submit
    assert [c.key for c in result.missing_required] == [
        "company",
        "about",
        "contact",
        "size",
        "vcse",
        "address",
        "regions",
        "capabilities",
    ]


def test_full_profile_scores_one_hundred():
    profile = SupplierProfileFactory(
        contact_name="Ada",
        contact_email="ada@example.org",
        website="https://example.org",
        logo="supplier-logos/x.png",
        completed_steps=["vcse"],
        serves_whole_uk=True,
        innovation_type="radical",
        innovation_evidence="First of its kind",
    )
    profile.capabilities.add(Capability.objects.filter(parent__isnull=False).first())
    CertificationFactory(profile=profile)
    CaseStudyFactory(profile=profile)
    ListingFactory(profile=profile)
    result = completeness(profile)
    assert result.score == 100
    assert result.missing == ()
    assert missing_required(profile) == ()


def test_expired_certification_does_not_count():
    profile = SupplierProfileFactory()
    cert = CertificationFactory(profile=profile)
    assert completeness(profile).is_done("certifications")
    cert.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    cert.save()
    assert not completeness(profile).is_done("certifications")


def test_charity_number_alone_completes_company_details():
    profile = SupplierProfileFactory(company_number="", charity_number="1234567")
    assert completeness(profile).is_done("company")


def test_innovation_needs_type_and_evidence():
    profile = SupplierProfileFactory(innovation_type="radical")
    assert not completeness(profile).is_done("innovation")
    profile.innovation_evidence = "Evidence"
    assert completeness(profile).is_done("innovation")
