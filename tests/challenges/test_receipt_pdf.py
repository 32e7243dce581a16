"""The receipt PDF: made after commit by a Celery task, stored on the application, emailed."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from challenges.models import Application
from challenges.services import applications as svc
from marketplace.core.pdf import render_pdf
from tests.factories.applications import ApplicationFactory, supplier_user
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    supplier = SupplierProfileFactory(approved=True, legal_name="Quiet Sensors Ltd")
    application = ApplicationFactory(supplier=supplier, ready=True, answered=True)
    application.attachments.create(
        title="Technical plan", file="application-attachments/x.pdf", size_bytes=2048
    )
    person = supplier_user(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        svc.application_submit(application=application, by=person)
    application.refresh_from_db()
    return application, person


def test_receipt_is_stored_and_lists_what_was_submitted(submitted):
    application, _ = submitted

    assert application.receipt_pdf
    with application.receipt_pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert application.phase.challenge.title in text
    assert "Phase 1: Feasibility" in text
    assert "Quiet Sensors Ltd" in text
    assert "How would your idea reduce falls?" in text
    assert "7 of 500" in text  # the answer's word count against the limit
    assert "Technical plan" in text
    assert svc.format_deadline(application.submitted_at) in text


def test_receipt_is_emailed_to_the_submitter_with_the_pdf(submitted):
    application, person = submitted

    receipts = [m for m in mail.outbox if m.subject.startswith("Application submitted")]
    assert len(receipts) == 1
    message = receipts[0]
    assert message.to == [person.email]
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert "Night-time" not in message.subject
    assert application.phase.challenge.title in pdf_text(content)


def test_receipt_is_made_once(submitted):
    from challenges.services.receipts import application_receipt_generate

    application, _ = submitted
    name = application.receipt_pdf.name

    application_receipt_generate(application_id=application.pk)

    assert Application.objects.get(pk=application.pk).receipt_pdf.name == name


def test_no_receipt_for_a_draft():
    from challenges.tasks import application_receipt_task

    application = ApplicationFactory()

    assert application_receipt_task(application.pk) == 0
    application.refresh_from_db()
    assert not application.receipt_pdf


def test_render_pdf_does_not_fetch_remote_resources(settings, tmp_path):
    import copy
    import http.server
    import threading

    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates  # reassigned, so Django reloads the template engines
    url = f"http://127.0.0.1:{server.server_port}"
    (tmp_path / "remote.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Hello</h1>'
        f'<img src="{url}/tracker.png"><link rel="stylesheet" href="{url}/x.css">'
        "{% endblock %}"
    )
    try:
        data = render_pdf("remote.html", {})
    finally:
        server.shutdown()

    assert "Hello" in pdf_text(data)
    assert requests == []


def test_the_pdf_fetcher_refuses_every_url():
    from marketplace.core.pdf import _no_fetching

    with pytest.raises(ValueError, match="do not load external resources"):
        _no_fetching("http://example.org/x.png")
