from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEvent


def audit(actor, verb: str, obj: models.Model | None = None, **payload) -> AuditEvent:
    """Record an audit event inside the caller's transaction.

    Must be called from within ``transaction.atomic`` so that the event and the change it
    describes are committed or rolled back together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit() must be called inside a transaction with the change it records")
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        payload=payload,
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:255]
    event.save()
    return event


def audit_history(obj: models.Model, *, limit: int = 30):
    """The newest ``limit`` events about ``obj``, with who did them."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("actor")[:limit]
