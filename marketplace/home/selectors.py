"""Reads for editorial pages. Domain data is only ever read here, never stored on pages."""

from django.apps import apps


def latest_open_challenges(limit: int = 3) -> list:
    """The most recently opened challenges, newest first; ``[]`` until the challenges app exists.

    The home page must render on a fresh install and in every helper's checkout, so this does
    not import the challenges app: it asks the app registry and adapts to the fields present.
    """
    if limit <= 0 or not apps.is_installed("challenges"):
        return []
    try:
        challenge_model = apps.get_model("challenges", "Challenge")
    except LookupError:
        return []

    field_names = {field.name for field in challenge_model._meta.get_fields()}
    status_open = getattr(getattr(challenge_model, "Status", None), "OPEN", "open")
    queryset = challenge_model.objects.filter(status=status_open)
    if "organisation" in field_names:
        queryset = queryset.select_related("organisation")
    newest_first = next(
        (f"-{name}" for name in ("opened_at", "opens_at", "created_at") if name in field_names),
        "-pk",
    )
    return list(queryset.order_by(newest_first, "-pk")[:limit])
