"""``manage.py search_reindex [--index suppliers|challenges|all]``: rebuild the search indexes.

The database entries are always rebuilt (they answer queries, or stand in when Elasticsearch is
unreachable). When ``SEARCH_BACKEND`` is "elasticsearch", each Elasticsearch index is then built
afresh under a new versioned name and the alias swapped to it in one atomic call, so searches
keep working throughout; the old index is deleted after the swap. Changes saved while the new
index was loading (which the incremental updates sent to the old one) are sent again after it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search import documents, indexing
from search.backends.errors import SearchUnavailable
from search.es_documents import INDEXES


class ProgressBar:
    """``label [#########...........]  4,500/10,000  45%`` redrawn in place on one line."""

    WIDTH = 30

    def __init__(self, stdout, label: str):
        self.stdout = stdout
        self.label = label
        self.started = time.monotonic()
        self.last_drawn: tuple | None = None

    def __call__(self, done: int, total: int | None) -> None:
        percent = 100 if not total else min(100, done * 100 // total)
        key = (percent, done == total)
        if key == self.last_drawn:
            return
        self.last_drawn = key
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        count = f"{done:,}/{total:,}" if total is not None else f"{done:,}"
        self.stdout.write(f"\r{self.label:<26} [{bar}] {count:>17} {percent:>3}%", ending="")
        self.stdout.flush()

    def finish(self, message: str) -> None:
        seconds = time.monotonic() - self.started
        self.stdout.write(f"  {message} in {seconds:.1f} s")


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes: the database entries, then, when Elasticsearch is the "
        "search backend, a new Elasticsearch index per index, swapped in behind its alias with "
        "no downtime."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--index",
            choices=(*INDEXES, "all"),
            default="all",
            help="Which index to rebuild (default: all)",
        )
        parser.add_argument(
            "--skip-database",
            action="store_true",
            help="Rebuild only the Elasticsearch indexes, not the database entries",
        )

    def handle(self, *args, **options):
        names = INDEXES if options["index"] == "all" else (options["index"],)
        use_elasticsearch = settings.SEARCH_BACKEND == "elasticsearch"
        if options["skip_database"] and not use_elasticsearch:
            raise CommandError("--skip-database needs SEARCH_BACKEND = 'elasticsearch'")
        for name in names:
            if not options["skip_database"]:
                bar = ProgressBar(self.stdout, f"{name} (database)")
                counts = indexing.reindex_all(name, progress=bar)
                bar.finish(f"{counts[name]:,} indexed")
            if use_elasticsearch:
                self._elasticsearch(name)
        self.stdout.write(self.style.SUCCESS("Search indexes rebuilt."))

    def _elasticsearch(self, name: str) -> None:
        from search.backends.elasticsearch import ElasticsearchBackend, rebuild_index

        started = timezone.now()
        loaded: set[int] = set()

        def tracked(docs):
            for doc in docs:
                loaded.add(doc["id"])
                yield doc

        bar = ProgressBar(self.stdout, f"{name} (elasticsearch)")
        try:
            outcome = rebuild_index(
                name, documents=tracked(_documents(name)), total=_count(name), progress=bar
            )
            bar.finish(f"{outcome['documents']:,} indexed into {outcome['index']}")
            # Edits saved while the bulk load ran went to the old index: send them again.
            updated, removed = _catch_up(ElasticsearchBackend(), name, started, loaded)
        except SearchUnavailable as exc:
            raise CommandError(f"Elasticsearch could not rebuild {name}: {exc.reason}") from exc
        if updated or removed:
            self.stdout.write(
                f"  caught up with changes made meanwhile: {updated} updated, {removed} removed"
            )
        if outcome["deleted"]:
            self.stdout.write(
                f"  {outcome['alias']} moved; deleted {', '.join(outcome['deleted'])}"
            )


def _documents(name: str):
    if name == "suppliers":
        return documents.iter_supplier_documents()
    return documents.iter_challenge_documents()


def _searchable(name: str):
    """The objects the documents iterator yields (the same rule as ``search.documents``)."""
    from challenges.models import Challenge
    from suppliers.models import SupplierProfile

    if name == "suppliers":
        return SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED)
    return Challenge.objects.filter(status__in=documents.PUBLIC_CHALLENGE_STATUSES)


def _count(name: str) -> int:
    """How many documents there will be (for the progress bar only)."""
    return _searchable(name).count()


def _catch_up(backend, name: str, started, loaded: set[int]) -> tuple[int, int]:
    """Re-send what changed since ``started``: entries ``search.indexing`` rewrote meanwhile, and
    documents loaded that are no longer searchable (their deletion went to the old index)."""
    from search.models import ChallengeEntry, SupplierEntry

    entry = SupplierEntry if name == "suppliers" else ChallengeEntry
    changed = set(entry.objects.filter(indexed_at__gte=started).values_list("pk", flat=True))
    docs = list(_documents_for(name, changed)) if changed else []
    present = set(_searchable(name).values_list("pk", flat=True))
    gone = (loaded | changed) - present
    if docs:
        backend.index_documents(name, docs)
    if gone:
        backend.delete_documents(name, sorted(gone))
    return len(docs), len(gone)


def _documents_for(name: str, ids):
    if name == "suppliers":
        return documents.iter_supplier_documents(ids)
    return documents.iter_challenge_documents(ids)
