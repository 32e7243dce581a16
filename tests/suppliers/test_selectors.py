import datetime

import pytest
from django.utils import timezone

from suppliers.filters import SupplierFilterForm, SupplierFilters
from suppliers.models import Capability, Certification, Region, SupplierProfile
from suppliers.selectors import (
    public_location,
    public_outward_code,
    supplier_get_for_api,
    supplier_get_public,
    supplier_list_public,
)
from tests.factories.suppliers import CaseStudyFactory, CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db


def names(filters: SupplierFilters) -> set[str]:
    return {p.legal_name for p in supplier_list_public(filters=filters)}


@pytest.mark.parametrize(
    "status", [s for s in SupplierProfile.Status.values if s != SupplierProfile.Status.APPROVED]
)
def test_unapproved_suppliers_are_not_public(status):
    approved = SupplierProfileFactory(approved=True, legal_name="Shown Ltd")
    hidden = SupplierProfileFactory(status=status, legal_name="Hidden Ltd")
    assert names(SupplierFilters()) == {"Shown Ltd"}
    with pytest.raises(SupplierProfile.DoesNotExist):
        supplier_get_public(slug=hidden.slug)
    with pytest.raises(SupplierProfile.DoesNotExist):
        supplier_get_for_api(pk=hidden.pk)
    assert supplier_get_public(slug=approved.slug) == approved
    assert supplier_get_for_api(pk=approved.pk) == approved


def test_text_matches_name_and_summary_case_insensitively():
    SupplierProfileFactory(approved=True, legal_name="Pothole Finder Ltd", summary="Roads.")
    SupplierProfileFactory(approved=True, legal_name="Other Ltd", summary="We find POTHOLES.")
    SupplierProfileFactory(approved=True, legal_name="Unrelated Ltd", summary="Care homes.")
    assert names(SupplierFilters(text="pothole")) == {"Pothole Finder Ltd", "Other Ltd"}


def test_region_is_where_they_are_based():
    SupplierProfileFactory(approved=True, legal_name="Leeds Ltd")  # TLE
    SupplierProfileFactory(
        approved=True, legal_name="Cardiff Ltd", region=Region.objects.get(code="TLL")
    )
    assert names(SupplierFilters(region="TLL")) == {"Cardiff Ltd"}


def test_serves_region_includes_whole_uk_suppliers():
    wales = Region.objects.get(code="TLL")
    serves_wales = SupplierProfileFactory(approved=True, legal_name="Serves Wales Ltd")
    serves_wales.regions_served.add(wales, Region.objects.get(code="TLK"))
    SupplierProfileFactory(approved=True, legal_name="Whole UK Ltd", serves_whole_uk=True)
    local = SupplierProfileFactory(approved=True, legal_name="Local Ltd")
    local.regions_served.add(Region.objects.get(code="TLE"))
    assert names(SupplierFilters(serves="TLL")) == {"Serves Wales Ltd", "Whole UK Ltd"}


def test_sme_size_band_and_vcse():
    SupplierProfileFactory(approved=True, legal_name="Small Ltd")
    SupplierProfileFactory(
        approved=True, legal_name="Big plc", size_band="large", is_sme=False, staff_headcount=900
    )
    SupplierProfileFactory(
        approved=True,
        legal_name="Micro CIC",
        size_band="micro",
        is_vcse=True,
        vcse_type="social_enterprise",
    )
    assert names(SupplierFilters(sme=True)) == {"Small Ltd", "Micro CIC"}
    assert names(SupplierFilters(size_bands=("large", "micro"))) == {"Big plc", "Micro CIC"}
    assert names(SupplierFilters(vcse=True)) == {"Micro CIC"}


def test_capability_heading_matches_its_entries():
    heading = Capability.objects.get(slug="iot-and-sensors")
    entry = heading.children.get(slug="environmental-sensors")
    sensors = SupplierProfileFactory(approved=True, legal_name="Sensors Ltd")
    sensors.capabilities.add(entry)
    ai = SupplierProfileFactory(approved=True, legal_name="AI Ltd")
    ai.capabilities.add(Capability.objects.get(slug="machine-learning-and-ai"))
    assert names(SupplierFilters(capability="iot-and-sensors")) == {"Sensors Ltd"}
    assert names(SupplierFilters(capability="environmental-sensors")) == {"Sensors Ltd"}
    assert names(SupplierFilters(capability="data-and-ai")) == {"AI Ltd"}


def test_certification_must_be_in_date():
    today = timezone.localdate()
    current = SupplierProfileFactory(approved=True, legal_name="Current Ltd")
    CertificationFactory(profile=current, scheme="iso_27001", expires_on=today)
    lapsed = SupplierProfileFactory(approved=True, legal_name="Lapsed Ltd")
    CertificationFactory(
        profile=lapsed, scheme="iso_27001", expires_on=today - datetime.timedelta(days=1)
    )
    other = SupplierProfileFactory(approved=True, legal_name="Other scheme Ltd")
    CertificationFactory(profile=other, scheme=Certification.Scheme.CYBER_ESSENTIALS)
    assert names(SupplierFilters(certification="iso_27001")) == {"Current Ltd"}


def test_remote_delivery():
    SupplierProfileFactory(approved=True, legal_name="Remote Ltd", remote_delivery=True)
    SupplierProfileFactory(approved=True, legal_name="On site Ltd")
    assert names(SupplierFilters(remote=True)) == {"Remote Ltd"}


def test_case_study_annotation_counts_only_public_sector():
    profile = SupplierProfileFactory(approved=True)
    CaseStudyFactory(profile=profile, is_public_sector=False)
    assert (
        supplier_list_public(filters=SupplierFilters()).get().has_public_sector_case_study is False
    )
    CaseStudyFactory(profile=profile, is_public_sector=True)
    assert (
        supplier_list_public(filters=SupplierFilters()).get().has_public_sector_case_study is True
    )


def test_filter_form_keeps_valid_filters_and_reports_bad_ones():
    form = SupplierFilterForm({"region": "XXX", "text": "sensors", "sme": "on"})
    filters = form.to_filters()
    assert filters == SupplierFilters(text="sensors", sme=True)
    assert form.errors == {"region": ["Choose a region from the list"]}


def test_filter_form_refuses_junk_with_a_clear_message():
    junk = "x" * 10_000
    form = SupplierFilterForm(dict.fromkeys(SupplierFilterForm.base_fields, junk))
    assert form.to_filters() == SupplierFilters(sme=True, vcse=True, remote=True)
    assert form.errors["text"] == ["Search text must be 200 characters or fewer"]
    assert form.errors["capability"] == ["Choose a capability from the list"]


def test_northern_ireland_location_is_the_stored_district_centre_rounded():
    # The service stores the district centre for Northern Ireland postcodes (licence terms).
    belfast = SupplierProfileFactory(
        approved=True,
        postcode="BT1 5GS",
        latitude=54.601234,
        longitude=-5.921234,
        district_code="N09000003",
        district_name="Belfast",
        region=Region.objects.get(code="TLN"),
        country="Northern Ireland",
    )
    assert public_location(belfast) == {
        "district": "Belfast",
        "outward_code": "BT1",
        "region": "TLN",
        "latitude": 54.6,
        "longitude": -5.92,
    }


def test_great_britain_location_is_the_outward_code_and_a_point_rounded_to_about_1_km():
    leeds = SupplierProfileFactory(approved=True, latitude=53.795134, longitude=-1.546661)
    assert public_outward_code(leeds) == "LS1"
    location = public_location(leeds)
    assert (location["latitude"], location["longitude"]) == (53.8, -1.55)
    assert location["outward_code"] == "LS1"
