"""Keeping the index in step: documents, signals, the Celery task, ``reindex_all``.

Where Celery runs tasks inline (these tests), an index update runs at once in the saving
transaction; in production it runs after commit in a worker (tested at the end, through a
real Redis broker).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from challenges.models import Challenge
from search import documents, indexing, signals
from search.backends.database import DatabaseBackend
from search.models import (
    CERTIFICATE_BITS,
    ChallengeEntry,
    SupplierEntry,
    SupplierFacetKey,
    SupplierTerm,
    TermKind,
    split_facet_key,
    supplier_facet_code,
    supplier_facet_key,
    supplier_facet_value,
    supplier_facet_words,
)
from search.query import SearchQuery
from suppliers.models import Capability, Certification, Region, SupplierProfile
from tests.factories.challenges import ChallengeFactory, open_challenge
from tests.factories.suppliers import (
    CaseStudyFactory,
    CertificationFactory,
    ListingFactory,
    SupplierProfileFactory,
)

pytestmark = pytest.mark.django_db


def found(text: str, index: str = "suppliers") -> list[int]:
    return DatabaseBackend().search(SearchQuery(index=index, text=text, page_size=100)).ids


def capability(slug: str) -> Capability:
    return Capability.objects.get(slug=slug)


# --- Documents --------------------------------------------------------------------------------


def test_supplier_document_holds_every_fact_a_search_uses():
    profile = SupplierProfileFactory(
        approved=True,
        legal_name="Beacon Data Limited",
        trading_name="Beacon",
        summary="Data for councils.",
        is_vcse=True,
        remote_delivery=True,
        has_public_sector_experience=False,
    )
    profile.capabilities.set([capability("computer-vision")])
    profile.regions_served.set(Region.objects.filter(code__in=["TLD", "TLE"]))
    today = timezone.localdate()
    CertificationFactory(profile=profile, scheme="iso_27001", expires_on=today)
    CertificationFactory(profile=profile, scheme="iso_27001", expires_on=today + dt.timedelta(9))
    CaseStudyFactory(profile=profile, title="Counting bikes")
    ListingFactory(profile=profile, title="Camera kit")

    doc = documents.supplier_document(profile)

    assert doc["name"] == "Beacon Data Limited Beacon"
    assert doc["sort_name"] == "beacon"
    assert doc["capability_slugs"] == ["computer-vision", "data-and-ai"]
    assert doc["capability_top"] == ["data-and-ai"]
    assert doc["capability_names"] == ["Computer vision", "Data and AI"]
    assert doc["certifications"] == [{"scheme": "iso_27001", "expires_on": today + dt.timedelta(9)}]
    assert doc["remote_regions"] == ["TLD", "TLE"]
    assert doc["new_to_public_sector"] is True
    assert doc["is_vcse"] is True
    assert doc["region"] == "TLE"
    assert doc["location"] == {"lat": 53.7997, "lon": -1.5492}
    assert "Counting bikes" in doc["other_text"]
    assert "Camera kit" in doc["other_text"]
    assert doc["rating_average"] is None


def test_only_approved_suppliers_and_public_challenges_have_documents():
    for status in ("draft", "submitted", "changes_requested", "rejected"):
        assert documents.supplier_document(SupplierProfileFactory(status=status)) is None
    assert documents.challenge_document(ChallengeFactory()) is None
    assert documents.challenge_document(ChallengeFactory(in_review=True)) is None
    assert documents.challenge_document(ChallengeFactory(scheduled=True)) is not None


def test_supplier_without_remote_delivery_serves_no_region_remotely():
    profile = SupplierProfileFactory(approved=True, serves_whole_uk=True)
    assert documents.supplier_document(profile)["remote_regions"] == []
    profile.remote_delivery = True
    profile.save()
    assert len(documents.supplier_document(profile)["remote_regions"]) == 12


def test_documents_are_read_with_a_constant_number_of_queries(django_assert_num_queries):
    def make(n):
        for _ in range(n):
            profile = SupplierProfileFactory(approved=True)
            profile.capabilities.set([capability("computer-vision")])
            CaseStudyFactory(profile=profile)
            CertificationFactory(profile=profile)
        return list(SupplierProfile.objects.values_list("pk", flat=True))

    few = make(2)
    with django_assert_num_queries(9) as few_queries:
        list(documents.iter_supplier_documents(few))
    many = make(12)
    with django_assert_num_queries(len(few_queries.captured_queries)):
        assert len(list(documents.iter_supplier_documents(many))) == 14


def test_challenge_document_uses_the_current_phase_and_every_buyer():
    challenge = open_challenge(phase__closes_at=timezone.now() + dt.timedelta(days=3))
    co_funder = ChallengeFactory().buyer
    challenge.co_funders.set([co_funder])
    challenge.capabilities.set([capability("heat-networks")])
    doc = documents.challenge_document(challenge)
    assert doc["buyer_ids"] == sorted([challenge.buyer_id, co_funder.pk])
    assert doc["closes_at"] == challenge.phases.get(number=1).closes_at
    assert doc["capability_slugs"] == ["heat-networks", "net-zero-and-energy"]
    assert doc["status"] == "open"


# --- Signals: edits reach the index -------------------------------------------------------------


def test_approved_supplier_is_indexed_and_edits_are_searchable():
    profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
    assert found("hydrogen") == [profile.pk]
    profile.summary = "Battery buses."
    profile.save()
    assert found("hydrogen") == []
    assert found("battery buses") == [profile.pk]


def test_deferred_writes_each_entry_once_on_leaving():
    with indexing.deferred():
        profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
        CaseStudyFactory(profile=profile, title="Depot trial")
        with indexing.deferred():  # nested: joins the outer batch
            profile.summary = "Battery buses."
            profile.save()
        assert not SupplierEntry.objects.filter(pk=profile.pk).exists()
    assert found("battery depot") == [profile.pk]
    assert found("hydrogen") == []


def test_deferred_queues_nothing_if_the_block_fails():
    with pytest.raises(RuntimeError), indexing.deferred():
        profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
        raise RuntimeError
    assert not SupplierEntry.objects.filter(pk=profile.pk).exists()
    # The batch is over: the next save is indexed at once again.
    profile.save()
    assert found("hydrogen") == [profile.pk]


@pytest.mark.parametrize("status", ["suspended", "draft", "changes_requested"])
def test_supplier_leaving_approved_is_removed(status):
    profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
    assert SupplierEntry.objects.filter(pk=profile.pk).exists()
    profile.status = status
    profile.save()
    assert not SupplierEntry.objects.filter(pk=profile.pk).exists()
    assert not SupplierTerm.objects.filter(entry_id=profile.pk).exists()
    assert found("hydrogen") == []


def test_deleted_supplier_is_removed_with_its_children():
    profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
    CaseStudyFactory(profile=profile)
    CertificationFactory(profile=profile)
    pk = profile.pk
    profile.organisation.delete()
    assert not SupplierEntry.objects.filter(pk=pk).exists()
    assert not SupplierTerm.objects.filter(entry_id=pk).exists()


def test_case_studies_listings_certifications_and_capabilities_reach_the_index():
    profile = SupplierProfileFactory(approved=True)
    study = CaseStudyFactory(profile=profile, title="Gritting routes", outcome="Fewer skids.")
    assert found("gritting") == [profile.pk]
    study.delete()
    assert found("gritting") == []
    ListingFactory(profile=profile, title="Snow plough hire")
    assert found("plough") == [profile.pk]
    profile.capabilities.add(capability("heat-networks"))
    assert found("heat networks") == [profile.pk]
    profile.capabilities.clear()
    assert found("heat networks") == []
    CertificationFactory(profile=profile, scheme="iso_14001")
    query = SearchQuery(index="suppliers", filters={"certification": ("iso_14001",)})
    assert DatabaseBackend().search(query).ids == [profile.pk]


def test_the_facet_codes_stand_for_size_band_region_vcse_and_capability_headings():
    profile = SupplierProfileFactory(approved=True, size_band="small", is_vcse=True)
    cap = capability("heat-networks")
    heading = cap
    while heading.parent_id is not None:
        heading = heading.parent
    profile.capabilities.add(cap)
    entry = SupplierEntry.objects.get(pk=profile.pk)
    key = SupplierFacetKey.objects.get(code=entry.facet_code).key
    capability_key = SupplierFacetKey.objects.get(code=entry.capability_code).key
    assert (entry.facet_code, entry.capability_code) == (
        supplier_facet_code(key),
        supplier_facet_code(capability_key),
    )
    region = [f"region:{profile.region_id}"] if profile.region_id else []
    assert key.split() == ["size_band:small", *region, "vcse:true"]
    assert capability_key.split() == [f"capability:{heading.slug}"]
    # Empty values are left out, headings come in slug order.
    key = supplier_facet_key(size_band="", region="", is_vcse=False, capability_top=["b-b", "a"])
    assert key == "vcse:false capability:a capability:b-b"
    assert split_facet_key(key) == ("vcse:false", "capability:a capability:b-b")
    assert split_facet_key("size_band:micro") == ("size_band:micro", "")
    # Read back as the backend counts it.
    assert [supplier_facet_value(word) for word in supplier_facet_words(key)] == [
        ("vcse", "false"),
        ("capability", "a"),
        ("capability", "b-b"),
    ]


def test_facet_codes_differ_per_key_and_the_migration_computes_the_same_ones():
    from importlib import import_module

    migration = import_module("search.migrations.0012_supplier_facet_codes")
    keys = [
        supplier_facet_key(size_band=band, region=region, is_vcse=vcse, capability_top=headings)
        for band in ("", "micro", "small", "medium", "large")
        for region in ("", "TLC", "TLE", "TLN")
        for vcse in (False, True)
        for headings in ([], ["data-and-ai"], ["data-and-ai", "energy"], ["energy"])
    ]
    codes = [supplier_facet_code(key) for key in keys]
    assert len(set(codes)) == len(set(keys)) == 160
    assert all(-(2**63) <= code < 2**63 for code in codes)  # a bigint on both databases
    assert [migration.facet_code(key) for key in keys] == codes
    assert [migration.split(key) for key in keys] == [split_facet_key(key) for key in keys]


def test_a_process_reads_the_words_of_a_facet_code_once(django_assert_num_queries):
    from search import facet_keys

    profile = SupplierProfileFactory(approved=True, size_band="medium")
    profile.capabilities.add(capability("heat-networks"))
    query = SearchQuery(index="suppliers", facets=("size_band", "capability"), page_size=0)
    expected = DatabaseBackend().search(query).facets  # the indexer told this process
    assert expected["size_band"]["medium"] >= 1 and expected["capability"]
    # Codes written by another process (a worker): their words are read once (one query for
    # both kinds of code), then kept.
    facet_keys.forget()
    with django_assert_num_queries(2):
        assert DatabaseBackend().search(query).facets == expected
    with django_assert_num_queries(1):
        assert DatabaseBackend().search(query).facets == expected
    # A code without words (not the indexer's doing) counts under no value rather than failing,
    # and writing an entry with that code stores its words again.
    SupplierFacetKey.objects.all().delete()
    facet_keys.forget()
    assert DatabaseBackend().search(query).facets == {"size_band": {}, "capability": {}}
    profile.save()
    again = DatabaseBackend().search(query).facets
    assert again["size_band"]["medium"] >= 1 and again["capability"]


def test_every_certification_scheme_has_a_bit_of_its_own():
    assert set(CERTIFICATE_BITS) == set(Certification.Scheme.values)
    bits = list(CERTIFICATE_BITS.values())
    assert all(bit > 0 and bit & (bit - 1) == 0 for bit in bits)  # one bit each
    assert len(set(bits)) == len(bits)


def test_the_entry_keeps_its_certificates_as_bits_and_the_earliest_expiry():
    today = timezone.localdate()
    profile = SupplierProfileFactory(approved=True)
    entry = SupplierEntry.objects.get(pk=profile.pk)
    assert (entry.certificate_bits, entry.certificates_all_in_date_until) == (0, None)
    CertificationFactory(profile=profile, scheme="iso_9001", expires_on=today)
    CertificationFactory(
        profile=profile, scheme="cyber_essentials", expires_on=today + dt.timedelta(days=9)
    )
    entry = SupplierEntry.objects.get(pk=profile.pk)
    expected_bits = CERTIFICATE_BITS["iso_9001"] | CERTIFICATE_BITS["cyber_essentials"]
    assert entry.certificate_bits == expected_bits
    assert entry.certificates_all_in_date_until == today.toordinal()

    # Entries written before the columns existed get the same values from the migration.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("search.migrations.0006_certificate_bits")
    SupplierEntry.objects.update(certificate_bits=0, certificates_all_in_date_until=None)
    migration.fill_certificate_columns(apps, None)
    entry = SupplierEntry.objects.get(pk=profile.pk)
    assert entry.certificate_bits == expected_bits
    assert entry.certificates_all_in_date_until == today.toordinal()


def test_entries_keep_their_point_as_a_unit_vector():
    """The indexer and the migration that filled entries written before the columns existed
    write the same vector, bit for bit, on both databases (the migration's PostgreSQL path is
    a statement of its own)."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from search import geo

    profile = SupplierProfileFactory(approved=True)
    challenge = open_challenge(uk_wide=False, latitude=53.7965, longitude=-1.5478)
    located = [
        (SupplierEntry, profile.pk, profile.latitude, profile.longitude),
        (ChallengeEntry, challenge.pk, challenge.latitude, challenge.longitude),
    ]
    assert all(lat is not None for _m, _pk, lat, _lon in located)

    def vectors():
        return [
            model.objects.values_list("unit_x", "unit_y", "unit_z").get(pk=pk)
            for model, pk, _lat, _lon in located
        ]

    expected = [geo.unit_vector(lat, lon) for _m, _pk, lat, lon in located]
    assert vectors() == expected
    assert all(abs(sum(c * c for c in v) - 1) < 1e-12 for v in expected)

    migration = import_module("search.migrations.0008_unit_vectors")
    for model, *_rest in located:
        model.objects.update(unit_x=None, unit_y=None, unit_z=None)
    migration.fill_unit_vectors(apps, SimpleNamespace(connection=connection))
    assert vectors() == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the column order is PostgreSQL's")
def test_the_supplier_entries_keep_the_columns_a_search_reads_first():
    """Migrations search/0011 and 0013 put the columns that a text search reads first. Rebuilding the
    table keeps every row, constraint and index (and the terms' foreign key), and a table
    already in that order is left alone."""
    from importlib import import_module

    migration = import_module("search.migrations.0013_supplier_entry_column_order")
    rebuild = import_module("search.migrations.0011_supplier_entry_column_order")
    table = migration.TABLE

    def catalogue():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [table],
            )
            columns = [name for (name,) in cursor.fetchall()]
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
            indexes = sorted(definition for (definition,) in cursor.fetchall())
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass OR confrelid = %s::regclass",
                [table, table],
            )
            constraints = sorted(cursor.fetchall())
        return columns, indexes, constraints

    profile = SupplierProfileFactory(approved=True, legal_name="Quillwort Survey Ltd")
    profile.capabilities.add(capability("heat-networks"))
    term = SupplierTerm.objects.create(
        entry_id=profile.pk, kind=TermKind.REMOTE_REGION, value="TLE"
    )
    columns, indexes, constraints = catalogue()
    assert columns[: len(migration.FIRST)] == list(migration.FIRST)
    assert len(indexes) > 10 and any(
        "REFERENCES search_supplierentry" in c for _n, c in constraints
    )
    rows = list(SupplierEntry.objects.order_by("pk").values())
    with connection.cursor() as cursor:
        assert rebuild.rebuild_with_columns_first(cursor, table, migration.FIRST) is False
        # Another order, then back: every row, constraint and index comes through.
        assert rebuild.rebuild_with_columns_first(cursor, table, ["vector"]) is True
        assert catalogue()[0][0] == "vector"
        assert rebuild.rebuild_with_columns_first(cursor, table, migration.FIRST) is True
    assert catalogue() == (columns, indexes, constraints)
    assert list(SupplierEntry.objects.order_by("pk").values()) == rows
    assert found("quillwort") == [profile.pk]
    assert SupplierTerm.objects.get(pk=term.pk).entry_id == profile.pk


def test_renaming_a_capability_reindexes_its_suppliers():
    profile = SupplierProfileFactory(approved=True)
    cap = capability("heat-networks")
    profile.capabilities.add(cap)
    cap.name = "District heating"
    cap.save()
    assert found("district heating") == [profile.pk]


def test_challenge_status_and_phase_changes_reach_the_index():
    challenge = open_challenge(summary="Gritting the hills.")
    assert found("gritting", "challenges") == [challenge.pk]
    phase = challenge.phases.get()
    phase.closes_at = timezone.now() + dt.timedelta(days=2)
    phase.save()
    assert ChallengeEntry.objects.get(pk=challenge.pk).closes_at == phase.closes_at
    Challenge.objects.filter(pk=challenge.pk).update(status="draft")
    challenge.refresh_from_db()
    challenge.save()
    assert found("gritting", "challenges") == []


def test_fixture_loads_are_ignored():
    profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
    SupplierProfile.objects.filter(pk=profile.pk).update(summary="Battery buses.")
    profile.refresh_from_db()
    signals._supplier_saved(SupplierProfile, profile, raw=True)
    assert found("battery") == []
    signals._supplier_saved(SupplierProfile, profile, raw=False)
    assert found("battery") == [profile.pk]


@override_settings(SEARCH_INDEX_IMMEDIATELY=False)
def test_in_production_mode_the_update_waits_for_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile = SupplierProfileFactory(approved=True, summary="Hydrogen buses.")
        assert found("hydrogen") == []  # not before commit
    assert callbacks
    assert found("hydrogen") == [profile.pk]  # the task ran after commit


# --- reindex_all ------------------------------------------------------------------------------


def test_reindex_all_rebuilds_and_is_idempotent():
    with override_settings(SEARCH_INDEX_IMMEDIATELY=False):
        kept = [SupplierProfileFactory(approved=True, summary="Hydrogen.") for _ in range(5)]
        SupplierProfileFactory(status="draft", summary="Hydrogen.")
        challenge = open_challenge(summary="Hydrogen buses.")
    assert found("hydrogen") == []
    progress = []
    counts = indexing.reindex_all(progress=lambda done, total: progress.append((done, total)))
    assert counts == {"suppliers": 5, "challenges": 1}
    assert progress[-1] == (1, 1)
    assert (5, 5) in progress
    assert sorted(found("hydrogen")) == sorted(p.pk for p in kept)
    assert found("hydrogen", "challenges") == [challenge.pk]
    before = list(SupplierEntry.objects.order_by("pk").values_list("pk", "sort_name"))
    terms = SupplierTerm.objects.count()
    assert indexing.reindex_all("suppliers", batch_size=2) == {"suppliers": 5}
    assert list(SupplierEntry.objects.order_by("pk").values_list("pk", "sort_name")) == before
    assert SupplierTerm.objects.count() == terms


def test_reindex_all_removes_entries_of_objects_no_longer_searchable():
    profile = SupplierProfileFactory(approved=True, summary="Hydrogen.")
    # A change that bypassed the signals (a bulk update) leaves a stale entry...
    SupplierProfile.objects.filter(pk=profile.pk).update(status="suspended")
    assert found("hydrogen") == [profile.pk]
    # ...which a full reindex removes.
    indexing.reindex_all("suppliers")
    assert found("hydrogen") == []


def test_the_task_rewrites_entries_by_id():
    from search.tasks import search_index_task

    profile = SupplierProfileFactory(approved=True, summary="Hydrogen.")
    SupplierProfile.objects.filter(pk=profile.pk).update(summary="Battery.")
    assert search_index_task.delay("suppliers", [profile.pk]).get() == {
        "written": 1,
        "removed": 0,
    }
    assert found("battery") == [profile.pk]
    assert search_index_task.delay("nonsense", [1]).get() == {"written": 0, "removed": 0}
