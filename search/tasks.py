"""Celery tasks for the search index: they take ids, re-read the objects and rewrite their
entries, so running one twice (or late) leaves the index right."""

from celery import shared_task

RETRY_POLICY = {
    "acks_late": True,
    # Database hiccups and an unreachable Elasticsearch are worth retrying; bugs are not.
    "autoretry_for": (OSError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY_POLICY)
def search_index_task(index: str, ids: list[int]) -> dict:
    from . import indexing

    if index not in indexing.INDEXES:
        return {"written": 0, "removed": 0}
    written, removed = indexing.update(index, ids)
    return {"written": written, "removed": removed}


@shared_task(**RETRY_POLICY)
def send_search_alerts(challenge_id: int) -> int:
    """Email the search alerts that find a challenge that has just opened. Safe to run twice:
    each alert is told about each challenge once."""
    from .alerts import search_alerts_send

    return search_alerts_send(challenge_id=challenge_id)
