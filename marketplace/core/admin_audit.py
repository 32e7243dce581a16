"""Audit events for edits made by platform staff in the Django admin and the Wagtail admin.

Domain changes go through services, which call ``audit()`` themselves. Staff can still edit
reference data and fix records in the admin screens; these mixins make sure such edits leave
the same trail in the audit log, written in the same transaction as the change:

- ``AuditedModelAdmin`` for ``django.contrib.admin`` (the add, change and delete views already
  run inside ``transaction.atomic``; the bulk "delete selected" action is wrapped here).
- ``AuditedModelViewSet`` for Wagtail ``ModelViewSet`` create, edit and delete views.

Verbs are ``admin.added``, ``admin.changed`` and ``admin.deleted``; the payload names the model
and the changed fields (never their values, which may be personal data).
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models, transaction
from wagtail.admin.views.generic import models as wagtail_generic
from wagtail.admin.viewsets.model import ModelViewSet

from .audit import audit

ADDED = "admin.added"
CHANGED = "admin.changed"
DELETED = "admin.deleted"


def _record(user, verb: str, obj: models.Model, *, via: str, fields=None) -> None:
    payload = {"model": obj._meta.label, "via": via}
    if fields is not None:
        payload["fields"] = sorted(fields)
    if obj.pk is None:  # already deleted (inline formsets): keep what identifies it
        payload["object"] = str(obj)[:255]
        audit(user, verb, None, **payload)
    else:
        audit(user, verb, obj, **payload)


class AuditedModelAdmin(admin.ModelAdmin):
    """A ``ModelAdmin`` whose saves and deletes, inline rows included, are audited."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        verb = CHANGED if change else ADDED
        _record(request.user, verb, obj, via="django-admin", fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            _record(request.user, ADDED, obj, via="django-admin")
        for obj, fields in getattr(formset, "changed_objects", []):
            _record(request.user, CHANGED, obj, via="django-admin", fields=fields)
        for obj in getattr(formset, "deleted_objects", []):
            _record(request.user, DELETED, obj, via="django-admin")

    def delete_model(self, request, obj):
        _record(request.user, DELETED, obj, via="django-admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                _record(request.user, DELETED, obj, via="django-admin")
            super().delete_queryset(request, queryset)


class _AuditedCreateView(wagtail_generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        _record(self.request.user, ADDED, instance, via="wagtail-admin")
        return instance


class _AuditedEditView(wagtail_generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        if self.form.changed_data:
            _record(
                self.request.user,
                CHANGED,
                instance,
                via="wagtail-admin",
                fields=self.form.changed_data,
            )
        return instance


class _AuditedDeleteView(wagtail_generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            _record(self.request.user, DELETED, self.object, via="wagtail-admin")
            super().delete_action()


class AuditedModelViewSet(ModelViewSet):
    """A Wagtail ``ModelViewSet`` whose create, edit and delete views are audited."""

    add_view_class = _AuditedCreateView
    edit_view_class = _AuditedEditView
    delete_view_class = _AuditedDeleteView
