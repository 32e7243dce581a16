"""Sending email: the one way every app's emails go out.

Templates are pairs, ``<name>_subject.txt`` and ``<name>_body.txt``: under
``notifications/email/`` for a bare name, or at the path given (``suppliers/emails/approved``).
Links in emails are built with ``absolute_url`` from the one configured base URL. Apps queue
``tasks.send_email_task`` after commit, or decorate their own guarded task with
``tasks.RETRY_POLICY``.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A full link for emails, built from the configured public address of the service."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _template_prefix(template: str) -> str:
    # Notifications' own emails are named ("invitation"); an app's carry their path
    # ("suppliers/emails/approved"), so each app keeps its wording next to its code.
    return template if "/" in template else f"notifications/email/{template}"


def email_send(
    *,
    template: str,
    to: list[str],
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> int:
    """Render ``template`` with ``context`` and send it to ``to``. Returns messages sent.

    ``template`` names a pair of files, ``<template>_subject.txt`` and ``<template>_body.txt``.
    ``attachments`` are ``(filename, content, mimetype)``, for example a PDF receipt.
    """
    context = {"service_name": settings.WAGTAIL_SITE_NAME, **context}
    prefix = _template_prefix(template)
    subject = render_to_string(f"{prefix}_subject.txt", context)
    body = render_to_string(f"{prefix}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    return message.send()
