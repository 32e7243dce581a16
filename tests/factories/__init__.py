from .accounts import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

__all__ = ["InvitationFactory", "MembershipFactory", "OrganisationFactory", "UserFactory"]
