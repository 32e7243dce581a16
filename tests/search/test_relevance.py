"""Relevance: fixed queries a buyer would type, with the supplier (or challenge) that must come
first, and the ones that must be found at all. Runs against every available backend.

The cases cover multi-word queries (every word must match), stems ("sensors" finds "sensor"),
capability names, case-study and listing words, and query syntax typed as plain text.
"""

from __future__ import annotations

import pytest

from search.query import SearchQuery

# (query, the key that must come first, keys that must also be found)
SUPPLIER_CASES = [
    ("Cardiff digital", "cardiff", []),
    ("cardiff bay digital cyf", "cardiff", []),
    ("Welsh websites", "cardiff", []),
    ("sensor", "acme_sensor", ["sensorium", "falls"]),
    ("sensors", "acme_sensor", ["sensorium", "falls"]),
    ("SENSORS streetlights", "acme_sensor", []),
    ("LoRaWAN", None, ["lora_1", "lora_2", "lora_3", "lora_4", "lora_5"]),
    ("machine learning", "ml_lab", []),
    ("air quality", "sensorium", []),
    ("heat pumps", "heat", []),
    ("retrofitting homes", "retrofit", []),
    ("carbon accounting", "carbon", []),
    ("computer vision cyclists", "vision", []),
    ("potholes", "pothole", []),
    ("Kirklees", "pothole", []),
    ("accessibility audits", "access", []),
    ("electric vehicle charging", "ev", []),
    ("falls in care homes", "falls", []),
    ("flooding", "lora_4", []),
    ("chatbot", "nlp", []),
    ("dashboards", "dashboards", ["pothole"]),
    ("digital inclusion", "inclusion", []),
    ("O'Neill", "oneill", []),
    ('"data" (analysis*', "oneill", []),
    ("-river +level", "lora_4", []),
    ("telemetry networks", None, []),
]

CHALLENGE_CASES = [
    ("falls", "falls"),
    ("care home falls", "falls"),
    ("potholes", "potholes"),
    ("pothole", "potholes"),
    ("rural bus", "buses"),
    ("flood warning", "flood"),
    ("heat network estates", "heat"),
    ("council tax", "chat"),
]


@pytest.mark.parametrize(("text", "first", "also"), SUPPLIER_CASES)
def test_supplier_relevance(text, first, also, search_backend, world):
    result = search_backend.search(SearchQuery(index="suppliers", text=text, page_size=100))
    if first is None and not also:
        assert result.ids == []
        return
    if first is not None:
        assert result.ids, f"{text!r} found nothing"
        assert result.ids[0] == world.sid(first), f"{text!r}: {result.ids}"
    for key in also:
        assert world.sid(key) in result.ids, f"{text!r} did not find {key}"
    hidden = {p.pk for p in world.hidden}
    assert not hidden & set(result.ids)


@pytest.mark.parametrize(("text", "first"), CHALLENGE_CASES)
def test_challenge_relevance(text, first, search_backend, world):
    result = search_backend.search(SearchQuery(index="challenges", text=text, page_size=100))
    assert result.ids, f"{text!r} found nothing"
    assert result.ids[0] == world.cid(first)
    assert world.cid("draft") not in result.ids
    assert world.cid("review") not in result.ids


def test_stems_give_the_same_results(search_backend, world):
    def ids(text):
        return set(
            search_backend.search(SearchQuery(index="suppliers", text=text, page_size=100)).ids
        )

    assert ids("sensor") == ids("sensors") == ids("Sensors")
    assert ids("flood") == ids("flooding") == ids("floods")
    assert ids("pothole") == ids("potholes")


def test_every_word_must_match(search_backend, world):
    def ids(text):
        return set(
            search_backend.search(SearchQuery(index="suppliers", text=text, page_size=100)).ids
        )

    assert ids("sensors streetlight") == {world.sid("acme_sensor")}
    assert ids("sensors streetlight") < ids("sensors")
    assert ids("Cardiff sensors") == set()


def test_highlight_marks_the_words_searched_for(search_backend, world):
    result = search_backend.search(SearchQuery(index="suppliers", text="air quality"))
    hit = result.hits[0]
    assert "<mark>air</mark>" in hit.highlight
    assert "<mark>quality</mark>" in hit.highlight
    assert "sensors" in hit.highlight
