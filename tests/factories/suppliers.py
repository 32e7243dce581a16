import datetime

import factory
from django.utils import timezone

from marketplace.accounts.models import Organisation, Role
from suppliers.models import CaseStudy, Certification, Listing, Region, SupplierProfile
from tests.factories.accounts import MembershipFactory, OrganisationFactory


class SupplierOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    kind = Organisation.Kind.SUPPLIER


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    """A draft profile with a Leeds address. Pass ``status=...`` with matching timestamps."""

    class Meta:
        model = SupplierProfile

    organisation = factory.SubFactory(SupplierOrganisationFactory)
    slug = factory.LazyAttribute(lambda o: o.organisation.slug)
    legal_name = factory.LazyAttribute(lambda o: o.organisation.name)
    company_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    summary = "We build sensors and data tools for local services."
    staff_headcount = 12
    turnover_pence = 150_000_000
    balance_sheet_pence = 80_000_000
    size_band = SupplierProfile.SizeBand.SMALL
    is_sme = True
    postcode = "LS1 4DY"
    latitude = 53.7997
    longitude = -1.5492
    district_code = "E08000035"
    district_name = "Leeds"
    region = factory.LazyFunction(lambda: Region.objects.get(code="TLE"))
    country = "England"

    class Params:
        approved = factory.Trait(
            status=SupplierProfile.Status.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class SupplierAdminFactory(MembershipFactory):
    role = Role.SUPPLIER_ADMIN
    organisation = factory.SubFactory(SupplierOrganisationFactory)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    profile = factory.SubFactory(SupplierProfileFactory)
    scheme = Certification.Scheme.CYBER_ESSENTIALS
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    profile = factory.SubFactory(SupplierProfileFactory)
    title = "Air quality sensors for school streets"
    buyer_name = "Kirklees Council"
    challenge = "The council could not see pollution near school gates."
    outcome = "Idling fell by 40% at 12 schools in a year."


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    profile = factory.SubFactory(SupplierProfileFactory)
    title = "Air quality monitoring service"
    summary = "Sensors, dashboards and monthly reports."
    price_model = Listing.PriceModel.PER_USER
