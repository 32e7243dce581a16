"""Turning what someone typed in "near" into a point: a full postcode ("LS1 4AP"), an outward
code ("LS1") or a place name ("Leeds").

Postcodes and outward codes come from the offline postcode lookup in ``marketplace.core.geo``
(the exact point of the postcode, or the centroid of the outward code's postcodes).

Place names: the lookup data has no gazetteer of towns, so a place name is matched against the
363 local authority district names it does hold (the same names suppliers' profiles show as
``district_name``), and the district's centroid is used: "Leeds", "Cardiff", "Bristol" (the
district is called "Bristol, City of"), "Edinburgh" ("City of Edinburgh"), "Hull" ("Kingston
upon Hull, City of"). A town that is not a district ("Harrogate") is not found, and the message
asks for a postcode instead. That is an honest limit of the bundled data rather than a guess.
"""

from __future__ import annotations

import re
import threading

from marketplace.core import geo

from .query import GeoPoint

MAX_PLACE_LENGTH = 60
EXAMPLE_POSTCODE = "LS1 4AP"


class PlaceNotFound(ValueError):
    """The place could not be found. The message is user-facing and says how to fix it."""


def not_found_message(text: str) -> str:
    shown = text.strip()[:MAX_PLACE_LENGTH]
    return (
        f"We could not find {shown}. Enter a full UK postcode, like {EXAMPLE_POSTCODE}, or a town"
    )


_NON_WORD = re.compile(r"[^a-z0-9]+")
# Parts of official district names that people leave out when they type a place.
_NAME_PREFIXES = ("city of ", "county of ")
_NAME_SUFFIXES = (", city of", ", county of", " city")
# Everyday names for districts whose official name is different.
_ALIASES = {
    "hull": "kingston upon hull",
    "london": "westminster",
    "city of london": "city of london",
}

_names: dict[str, int] | None = None
_names_lock = threading.Lock()


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def _name_variants(name: str) -> set[str]:
    lowered = name.lower()
    variants = {lowered}
    for suffix in _NAME_SUFFIXES:
        if lowered.endswith(suffix):
            variants.add(lowered[: -len(suffix)])
    for prefix in _NAME_PREFIXES:
        if lowered.startswith(prefix):
            variants.add(lowered[len(prefix) :])
    return {_key(v) for v in variants if v.strip()}


def _district_names() -> dict[str, int]:
    """Normalised district name (and everyday variants) -> index in the district table."""
    global _names
    if _names is None:
        with _names_lock:
            if _names is None:
                names: dict[str, int] = {}
                for index, district in enumerate(geo._get_store().districts):
                    for variant in _name_variants(district.name):
                        names.setdefault(variant, index)
                for alias, target in _ALIASES.items():
                    if target in names:
                        names.setdefault(alias, names[target])
                _names = names
    return _names


def _looks_like_postcode(text: str) -> bool:
    squashed = re.sub(r"[\s\-]+", "", text).upper()
    return bool(re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?([0-9][A-Z]{2})?", squashed))


def resolve(text: str) -> GeoPoint:
    """A postcode, outward code or district name -> GeoPoint. Raises ``PlaceNotFound``."""
    text = (text or "").strip()
    if not text or len(text) > MAX_PLACE_LENGTH:
        raise PlaceNotFound(not_found_message(text))
    if _looks_like_postcode(text):
        try:
            place = geo.lookup(text)
        except geo.PostcodeError:
            raise PlaceNotFound(not_found_message(text)) from None
        return GeoPoint(place.latitude, place.longitude, label=place.postcode)
    index = _district_names().get(_key(text))
    if index is None:
        raise PlaceNotFound(not_found_message(text))
    district = geo._get_store().districts[index]
    return GeoPoint(district.latitude, district.longitude, label=district.name)
