"""People around a contract for the contract page tests: each side's roles and the outsiders
who must be refused (another buyer organisation, a competing supplier)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.accounts.models import Organisation, Role
from tests.factories.accounts import MembershipFactory, OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<html><script>alert(1)</script></html>"


@dataclass
class Parties:
    supplier_admin: object
    supplier_member: object
    commissioner: object
    buyer: object
    other_buyer: object
    other_commissioner: object
    competitor: object


def _with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def parties_for(contract) -> Parties:
    """Everyone who may and may not see ``contract``. Buyers and commissioners have an
    authenticator, so ``mfa_login`` gives them a session that passed the second factor."""
    supplier_org = contract.supplier.organisation
    other_buyer_org = OrganisationFactory(kind=Organisation.Kind.BUYER, name="Bristol Council")
    competitor_org = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Rival Data Ltd")
    return Parties(
        supplier_admin=MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_ADMIN).user,
        supplier_member=MembershipFactory(
            organisation=supplier_org, role=Role.SUPPLIER_MEMBER
        ).user,
        commissioner=_with_totp(
            MembershipFactory(organisation=contract.buyer, role=Role.COMMISSIONER).user
        ),
        buyer=_with_totp(MembershipFactory(organisation=contract.buyer, role=Role.BUYER).user),
        other_buyer=_with_totp(
            MembershipFactory(organisation=other_buyer_org, role=Role.BUYER).user
        ),
        other_commissioner=_with_totp(
            MembershipFactory(organisation=other_buyer_org, role=Role.COMMISSIONER).user
        ),
        competitor=MembershipFactory(organisation=competitor_org, role=Role.SUPPLIER_ADMIN).user,
    )


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def html_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, HTML, content_type="application/pdf")
