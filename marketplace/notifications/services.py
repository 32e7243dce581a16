"""Sending email. Templates live in ``notifications/email/<name>_subject.txt`` and ``_body.txt``."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A full link for emails, built from the configured public address of the service."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def email_send(*, template: str, to: list[str], context: dict) -> int:
    """Render ``template`` with ``context`` and send it to ``to``. Returns messages sent."""
    context = {"service_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
    body = render_to_string(f"notifications/email/{template}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    return message.send()
