"""The PDF receipt for a submitted application, stored on ``Application.receipt_pdf`` and
emailed to the person who submitted it. Run from a Celery task after the submission commits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from marketplace.core.audit import audit
from marketplace.core.pdf import render_pdf
from marketplace.notifications.services import absolute_url, email_send

from ..models import Application
from ..selectors.applications import question_rows
from .applications import format_deadline


def receipt_context(application: Application) -> dict:
    rows = question_rows(application)
    return {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "application": application,
        "challenge": application.phase.challenge,
        "phase": application.phase,
        "supplier": application.supplier,
        "rows": rows,
        "attachments": list(application.attachments.all()),
        "partners": list(application.partners.all()),
        "submitted_at": format_deadline(application.submitted_at),
    }


@transaction.atomic
def application_receipt_generate(*, application_id: int) -> Application | None:
    """Make and store the receipt PDF once; does nothing for drafts or when it exists."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("phase", "phase__challenge", "supplier", "submitted_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.submitted_at is None:
        return None
    if application.receipt_pdf:
        return application
    pdf = render_pdf("challenges/applications/pdf/receipt.html", receipt_context(application))
    application.receipt_pdf.save(f"receipt-{application.pk}.pdf", ContentFile(pdf), save=False)
    application.save(update_fields=["receipt_pdf", "updated_at"])
    audit(None, "application.receipt_created", application)
    return application


def application_receipt_email(*, application: Application) -> int:
    """Email the receipt PDF to the person who submitted the application."""
    user = application.submitted_by
    if user is None or not application.receipt_pdf:
        return 0
    context = {
        "application": application,
        "challenge": application.phase.challenge,
        "phase": application.phase,
        "submitted_at": format_deadline(application.submitted_at),
        "link": absolute_url(reverse("challenges:application_tasks", args=[application.pk])),
    }
    with application.receipt_pdf.open("rb") as stored:
        pdf = stored.read()
    return email_send(
        template="challenges/applications/emails/receipt",
        to=[user.email],
        context=context,
        attachments=[(f"application-receipt-{application.pk}.pdf", pdf, "application/pdf")],
    )
