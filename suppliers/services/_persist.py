"""Saving a supplier row: lock it, validate it and turn model errors into domain errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from marketplace.core.errors import ValidationFailed

from ..models import SupplierProfile


def _lock(profile: SupplierProfile) -> SupplierProfile:
    return SupplierProfile.objects.select_for_update().get(pk=profile.pk)


def _raise_for(exc: ValidationError) -> None:
    """Turn a model ``ValidationError`` into the first user-facing ``ValidationFailed``."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        raise ValidationFailed(
            str(errors[0].messages[0]), field=None if field == "__all__" else field
        ) from exc
    raise ValidationFailed(exc.messages[0]) from exc


def _save(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        _raise_for(exc)
    obj.save()
