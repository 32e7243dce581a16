"""Errors a search backend raises that the dispatcher (``search.backends.get_backend``/``run``)
handles: ``SearchUnavailable`` means "answer from the database backend instead, and say so"."""


class SearchUnavailable(ConnectionError):
    """The search service cannot answer now (unreachable, timing out, index missing, overloaded).

    A ``ConnectionError`` so that what already handles "a service could not be reached" handles
    it too: the dispatcher's fallback and the indexing task's ``autoretry_for``.

    ``reason`` is short, safe to log and to show in ``/readyz`` (it never carries hosts or
    credentials from the URL)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
