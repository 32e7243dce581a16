import io

import pytest
from django.utils import timezone

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.core import geo
from search import indexing
from suppliers import demo
from suppliers.models import CaseStudy, Certification, Listing, Region, SupplierProfile
from suppliers.sizing import classify_size
from tests.conftest import module_data
from tests.factories.accounts import OrganisationFactory

pytestmark = pytest.mark.django_db

MODELS = (SupplierProfile, Organisation, User, Membership, Certification, CaseStudy, Listing)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def run() -> str:
    out = io.StringIO()
    # As seed_demo does: the search index is written once at the end, not after every save.
    with indexing.deferred():
        demo.seed(stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo suppliers, seeded once for the tests that only read them."""
    with module_data(django_db_blocker):
        run()
        yield


def test_seed_is_idempotent():
    run()
    first = counts()
    first_rows = sorted(
        SupplierProfile.objects.values_list("slug", "status", "company_number", "latitude")
    )
    run()
    assert counts() == first
    assert (
        sorted(SupplierProfile.objects.values_list("slug", "status", "company_number", "latitude"))
        == first_rows
    )
    assert first["SupplierProfile"] >= 40


def test_approved_suppliers_cover_all_twelve_regions(seeded):
    approved = SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED)
    assert set(approved.values_list("region_id", flat=True)) == set(
        Region.objects.values_list("code", flat=True)
    )
    assert approved.count() >= 30


def test_locations_come_from_the_postcode_lookup(seeded):
    for profile in SupplierProfile.objects.all():
        place = geo.lookup_postcode(profile.postcode)
        # Exact in Great Britain; the district centre in Northern Ireland (licence terms).
        assert (profile.latitude, profile.longitude) == (
            place.public_latitude,
            place.public_longitude,
        )
        assert profile.district_name == place.district_name
        assert profile.region_id == place.region_code


def test_mixed_sizes_statuses_vcses_and_offers(seeded):
    profiles = SupplierProfile.objects.all()
    assert set(profiles.values_list("size_band", flat=True)) == {
        "micro",
        "small",
        "medium",
        "large",
    }
    for p in profiles:
        size = classify_size(
            staff_headcount=p.staff_headcount,
            turnover_pence=p.turnover_pence,
            balance_sheet_pence=p.balance_sheet_pence,
        )
        assert (size.band, size.is_sme) == (p.size_band, p.is_sme)
    assert set(profiles.values_list("status", flat=True)) == set(SupplierProfile.Status.values)
    assert profiles.filter(is_vcse=True).count() >= 5
    assert profiles.filter(serves_whole_uk=True).exists()
    today = timezone.localdate()
    assert Certification.objects.filter(expires_on__lt=today).exists()
    assert Certification.objects.filter(expires_on__gte=today).exists()
    assert Listing.objects.filter(kind=Listing.Kind.PROOF_OF_CONCEPT).exists()
    assert CaseStudy.objects.filter(is_public_sector=False).exists()
    assert profiles.filter(has_public_sector_experience=False).exists()


def test_every_demo_supplier_has_an_admin_who_can_sign_in(seeded):
    for profile in SupplierProfile.objects.select_related("organisation"):
        user = User.objects.get(email=f"{profile.slug}@{demo.EMAIL_DOMAIN}")
        assert user.check_password(demo.DEMO_PASSWORD)
        assert Membership.objects.filter(
            user=user, organisation=profile.organisation, role=Role.SUPPLIER_ADMIN
        ).exists()


def test_northern_sensors_gets_a_full_approved_profile_when_it_exists():
    organisation = OrganisationFactory(name="Northern Sensors Ltd", kind=Organisation.Kind.SUPPLIER)
    run()
    run()
    profile = SupplierProfile.objects.get(organisation=organisation)
    assert profile.status == SupplierProfile.Status.APPROVED
    assert profile.district_name == "Leeds"
    assert profile.capabilities.count() == 3
    assert profile.listings.exists() and profile.case_studies.exists()
    assert profile.certifications.count() == 3


def test_without_northern_sensors_the_seed_says_so():
    assert "Northern Sensors Ltd not found" in run()
    assert not SupplierProfile.objects.filter(legal_name="Northern Sensors Ltd").exists()


def test_demo_suppliers_show_in_the_directory_and_api(seeded, client):
    approved = SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED).count()
    assert client.get("/api/v1/suppliers").json()["count"] == approved
    assert f"{approved} suppliers" in client.get("/suppliers/").content.decode()
    belfast = SupplierProfile.objects.get(slug="lagan-valley-analytics-ltd")
    body = client.get(f"/api/v1/suppliers/{belfast.pk}").json()
    assert body["location"]["outward_code"] == "BT1"


def test_demo_profiles_answer_every_question_except_drafts(seeded):
    from suppliers.completeness import missing_required
    from suppliers.demo.seed import ANSWERED_STEPS
    from suppliers.views.questions import STEPS

    assert set(ANSWERED_STEPS) == {step.key for step in STEPS}
    for profile in SupplierProfile.objects.exclude(status=SupplierProfile.Status.DRAFT):
        assert not missing_required(profile), profile.legal_name
