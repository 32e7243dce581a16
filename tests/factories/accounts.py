import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from marketplace.accounts.models import Invitation, Membership, Organisation, Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Verified email by default; pass ``verified=False`` for an unverified account."""
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.BUYER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.BUYER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.ASSESSOR


class PendingBuyerOrganisationFactory(OrganisationFactory):
    """A buying organisation registered by one of its staff, waiting for a platform admin."""

    kind = Organisation.Kind.BUYER
    buyer_type = Organisation.BuyerType.LOCAL_AUTHORITY
    verification_status = Organisation.VerificationStatus.PENDING
    requested_at = factory.LazyFunction(timezone.now)
    requested_by = factory.SubFactory(UserFactory)
    requester_job_title = "Head of procurement"

    class Params:
        rejected = factory.Trait(
            verification_status=Organisation.VerificationStatus.REJECTED,
            rejected_at=factory.LazyFunction(timezone.now),
            rejection_reason="We could not confirm that you work for this organisation",
        )
