"""Attachments: PDF, DOCX and ODT checked by content (not by name), under 10MB, stored under a
generated name, removable while the application is a draft."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.models import ApplicationAttachment
from challenges.services import applications as svc
from marketplace.core.errors import ValidationFailed
from tests.core.test_uploads import HTML, PDF, docx_bytes, odt_bytes
from tests.factories.applications import ApplicationFactory, supplier_user

pytestmark = pytest.mark.django_db
GENERATED = re.compile(r"^application-attachments/[0-9a-f]{32}\.(pdf|docx|odt)$")
LIMIT = 10 * 1024 * 1024


@pytest.fixture
def application():
    return ApplicationFactory()


@pytest.fixture
def person(application):
    return supplier_user(application.supplier)


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [
        ("plan.pdf", PDF, "pdf"),
        ("plan.docx", docx_bytes(), "docx"),
        ("plan.odt", odt_bytes(), "odt"),
        ("misnamed.txt", PDF, "pdf"),  # the content decides, not the name
    ],
)
def test_allowed_documents_are_stored_under_a_generated_name(
    application, person, name, data, extension
):
    attachment = svc.application_attachment_add(
        application=application, by=person, title="Plan", upload=upload(name, data)
    )

    assert GENERATED.match(attachment.file.name)
    assert attachment.file.name.endswith("." + extension)
    assert attachment.original_name == name
    assert attachment.size_bytes == len(data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.pdf", HTML),  # HTML pretending to be a PDF
        ("sheet.pdf", b"name,amount\nA,1\n"),  # CSV is not allowed here
        ("script.docx", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_wrong_type_by_content_is_refused(application, person, name, data):
    with pytest.raises(ValidationFailed, match="must be a PDF, Word document"):
        svc.application_attachment_add(
            application=application, by=person, title="Plan", upload=upload(name, data)
        )
    assert not ApplicationAttachment.objects.exists()


def test_file_over_the_limit_is_refused(application, person):
    too_big = PDF + b"0" * (LIMIT - len(PDF) + 1)

    with pytest.raises(ValidationFailed, match="must be smaller than 10MB"):
        svc.application_attachment_add(
            application=application, by=person, title="Plan", upload=upload("big.pdf", too_big)
        )
    assert not ApplicationAttachment.objects.exists()


def test_file_at_the_limit_is_accepted(application, person):
    exactly = PDF + b"0" * (LIMIT - len(PDF))

    attachment = svc.application_attachment_add(
        application=application, by=person, title="Plan", upload=upload("big.pdf", exactly)
    )
    assert attachment.size_bytes == LIMIT


def test_remove_deletes_the_row_and_the_file(
    application, person, django_capture_on_commit_callbacks
):
    attachment = svc.application_attachment_add(
        application=application, by=person, title="Plan", upload=upload("a.pdf", PDF)
    )
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        svc.application_attachment_remove(attachment=attachment, by=person)

    assert not ApplicationAttachment.objects.exists()
    assert not storage.exists(name)


def test_no_attachments_after_submission(person):
    application = ApplicationFactory(submitted=True)
    person = supplier_user(application.supplier)

    with pytest.raises(ValidationFailed, match="submitted"):
        svc.application_attachment_add(
            application=application, by=person, title="Plan", upload=upload("a.pdf", PDF)
        )


def test_upload_page_refuses_wrong_type_with_a_message(client, application, person):
    client.force_login(person)
    url = reverse("challenges:application_attachments", args=[application.pk])

    response = client.post(url, {"title": "Plan", "file": upload("page.pdf", HTML)})

    assert response.status_code == 200
    assert "The file must be a PDF, Word document (DOCX) or OpenDocument text (ODT)" in (
        response.content.decode()
    )
    assert not ApplicationAttachment.objects.exists()


def test_upload_page_stores_and_downloads_as_attachment(client, application, person):
    client.force_login(person)
    url = reverse("challenges:application_attachments", args=[application.pk])

    response = client.post(url, {"title": "Technical plan", "file": upload("plan.pdf", PDF)})

    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    download = client.get(
        reverse("challenges:application_attachment_download", args=[application.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="technical-plan.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
