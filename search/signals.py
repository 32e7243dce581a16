"""Search-index sync: the only signals in this codebase that are not declared domain events;
and the one declared event search listens to, ``challenges.signals.challenge_opened`` (search
alerts).

Each receiver has a ``dispatch_uid``, ignores fixture loads (``raw``) and only queues the
object's id (``search.indexing.queue``: after commit, through Celery). Rules live elsewhere.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from challenges.models import Challenge, Phase
from suppliers.models import Capability, CaseStudy, Certification, Listing, SupplierProfile

from . import indexing


def _supplier_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    indexing.queue("suppliers", [instance.pk])


def _supplier_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    indexing.queue("suppliers", [instance.profile_id])


def _supplier_m2m_changed(sender, instance, action, reverse, pk_set, raw=False, **kwargs):
    if raw or action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        indexing.queue("suppliers", [instance.pk])
    elif pk_set:
        indexing.queue("suppliers", pk_set)
    elif action == "pre_clear":
        # A capability or region losing all its suppliers: reindex them before they are gone.
        related = sender.objects.filter(**{_target_column(sender, instance): instance.pk})
        indexing.queue("suppliers", related.values_list("supplierprofile_id", flat=True))


def _target_column(through, instance) -> str:
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance):
            return field.attname
    raise LookupError(through)


def _challenge_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    indexing.queue("challenges", [instance.pk])


def _phase_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    indexing.queue("challenges", [instance.challenge_id])


def _challenge_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        indexing.queue("challenges", [instance.pk])
    elif pk_set:
        indexing.queue("challenges", pk_set)


def _capability_saved(sender, instance, raw=False, created=False, **kwargs):
    # A renamed capability (or one moved under another heading) changes every document using it.
    if raw or created:
        return
    indexing.queue("suppliers", instance.suppliers.values_list("pk", flat=True))
    indexing.queue("challenges", instance.challenges.values_list("pk", flat=True))


def _challenge_opened(sender, *, challenge_id, **kwargs):
    """Email the search alerts that find the challenge, in a Celery task. The event is sent
    after commit; ``on_commit`` also covers a sender inside a transaction."""
    from django.db import transaction

    from .tasks import send_search_alerts

    transaction.on_commit(lambda: send_search_alerts.delay(challenge_id))


def connect() -> None:
    from challenges.signals import challenge_opened

    challenge_opened.connect(_challenge_opened, dispatch_uid="search.challenge_opened")
    post_save.connect(_supplier_saved, SupplierProfile, dispatch_uid="search.supplier_saved")
    post_delete.connect(_supplier_saved, SupplierProfile, dispatch_uid="search.supplier_deleted")
    for model in (Certification, CaseStudy, Listing):
        name = model._meta.model_name
        post_save.connect(_supplier_part_changed, model, dispatch_uid=f"search.{name}_saved")
        post_delete.connect(_supplier_part_changed, model, dispatch_uid=f"search.{name}_deleted")
    for field in ("capabilities", "regions_served"):
        m2m_changed.connect(
            _supplier_m2m_changed,
            getattr(SupplierProfile, field).through,
            dispatch_uid=f"search.supplier_{field}_changed",
        )
    post_save.connect(_challenge_saved, Challenge, dispatch_uid="search.challenge_saved")
    post_delete.connect(_challenge_saved, Challenge, dispatch_uid="search.challenge_deleted")
    post_save.connect(_phase_changed, Phase, dispatch_uid="search.phase_saved")
    post_delete.connect(_phase_changed, Phase, dispatch_uid="search.phase_deleted")
    for field in ("capabilities", "co_funders"):
        m2m_changed.connect(
            _challenge_m2m_changed,
            getattr(Challenge, field).through,
            dispatch_uid=f"search.challenge_{field}_changed",
        )
    post_save.connect(_capability_saved, Capability, dispatch_uid="search.capability_saved")
