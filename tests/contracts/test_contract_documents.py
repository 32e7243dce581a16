"""Contract PDFs: made by a Celery task after commit, stored as versioned documents, with the
parties, value and milestones in the text (extracted with pypdf), about 10 pages."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from contracts.models import ContractDocument
from contracts.services import contracts as svc
from tests.factories.contracts_lifecycle import funded_application

pytestmark = pytest.mark.django_db


def pdf_text(document: ContractDocument) -> tuple[str, int]:
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def made(django_capture_on_commit_callbacks):
    application = funded_application(requested_pence=4_500_000)
    admin = supplier_admin_for_application(application)
    with django_capture_on_commit_callbacks(execute=True):
        contract = svc.contract_create_from_application(application=application)
    contract.refresh_from_db()
    return contract, admin


def supplier_admin_for_application(application):
    from marketplace.accounts.models import Role
    from tests.factories.accounts import MembershipFactory

    return MembershipFactory(
        organisation=application.supplier.organisation,
        role=Role.SUPPLIER_ADMIN,
        user__full_name="Priya Shah",
    ).user


def test_contract_pdf_names_the_parties_value_and_milestones(made):
    contract, _ = made
    document = contract.documents.get(kind=ContractDocument.Kind.CONTRACT)

    text, pages = pdf_text(document)

    assert 5 <= pages <= 15
    assert document.pages == pages
    assert document.version == 1
    assert contract.reference in text
    assert contract.buyer.name in text
    assert contract.supplier.legal_name in text
    assert "£45,000" in text
    for milestone in contract.milestones.all():
        assert milestone.title in text
    assert "£13,500" in text and "£18,000" in text  # 30% and 40% of £45,000
    assert "keeps the foreground IP" in text  # IP terms from the challenge
    assert "No personal data leaves" in text  # data terms from the challenge
    assert "Not yet accepted" in text
    assert f"Page 1 of {pages}" in text


def test_award_letter_is_emailed_to_supplier_admins_with_the_pdf(made):
    contract, admin = made
    letter = contract.documents.get(kind=ContractDocument.Kind.AWARD_LETTER)
    text, _ = pdf_text(letter)
    assert "Your application has been funded" in text
    assert contract.reference in text

    ready = [m for m in mail.outbox if m.subject.startswith("Your contract is ready to accept")]
    assert len(ready) == 1
    assert ready[0].to == [admin.email]
    name, content, mimetype = ready[0].attachments[0]
    assert mimetype == "application/pdf"
    assert name == f"{contract.reference}-award-letter.pdf"
    assert content.startswith(b"%PDF")
    assert contract.documents_generated_at is not None


def test_generating_again_makes_nothing_new(made):
    contract, _ = made
    assert svc.contract_documents_generate(contract_id=contract.pk) == []
    assert contract.documents.count() == 2
    assert svc.contract_documents_generate(contract_id=0) == []


def test_accepting_re_makes_the_pdf_with_the_signature(made, django_capture_on_commit_callbacks):
    contract, admin = made
    with django_capture_on_commit_callbacks(execute=True):
        svc.contract_accept(contract=contract, by=admin, typed_name="priya  SHAH")

    documents = contract.documents.filter(kind=ContractDocument.Kind.CONTRACT)
    assert documents.count() == 1  # the same version, re-made
    text, _ = pdf_text(documents.get())
    assert "Accepted electronically by" in text
    assert "priya SHAH" in text


def test_a_pdf_rendered_before_a_new_version_is_not_stored(made, monkeypatch):
    """The PDF is rendered without a lock; if the contract gets a new version meanwhile, the
    stale render is dropped (the change's own task makes the new version's PDF)."""
    from contracts.models import Contract

    contract, _ = made
    real_render = svc._render

    def render_then_change(contract, kind):
        pdf = real_render(contract, kind)
        Contract.objects.filter(pk=contract.pk).update(version=2)
        return pdf

    monkeypatch.setattr(svc, "_render", render_then_change)
    Contract.objects.filter(pk=contract.pk).update(version=1)
    contract.documents.filter(kind=ContractDocument.Kind.CONTRACT).delete()

    assert svc.contract_documents_generate(contract_id=contract.pk) == []
    assert not contract.documents.filter(kind=ContractDocument.Kind.CONTRACT).exists()
