"""Reading the lookup files (memory-mapped, shared between processes) and answering lookups
and distance questions."""

from __future__ import annotations

import json
import logging
import math
import mmap
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .builder import (
    _RECORD,
    BIN_NAME,
    FORMAT_VERSION,
    KEY_LEN,
    META_NAME,
    RECORD_SIZE,
    SCALE,
    _build_lock,
    _build_unlocked,
    _data_dir,
)
from .postcodes import (
    _OUTWARD_RE,
    EXAMPLE,
    Place,
    PostcodeError,
    _squash,
    normalise_outward,
    normalise_postcode,
)

logger = logging.getLogger(__name__)

EARTH_RADIUS_MILES = 3958.7613


# --- Loaded data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _District:
    code: str
    name: str
    region_code: str
    region_name: str
    country: str
    latitude: float
    longitude: float


class _StaleData(Exception):
    pass


class _Store:
    def __init__(self, data_dir: Path):
        bin_path = data_dir / BIN_NAME
        meta = json.loads((data_dir / META_NAME).read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION or meta.get("record_size") != RECORD_SIZE:
            raise _StaleData("format version differs")
        self.count = int(meta["records"])
        with open(bin_path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size != self.count * RECORD_SIZE or size == 0:
                raise _StaleData("binary file size does not match its metadata")
            self.mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.districts = [_District(*row) for row in meta["districts"]]
        self.outward = meta["outward"]

    def find(self, key: bytes) -> tuple[int, int, int] | None:
        mm = self.mm
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            start = mid * RECORD_SIZE
            probe = mm[start : start + KEY_LEN]
            if probe < key:
                lo = mid + 1
            elif probe > key:
                hi = mid
            else:
                _, lat, lon, d = _RECORD.unpack_from(mm, start)
                return lat, lon, d
        return None


_store: _Store | None = None
_store_lock = threading.Lock()


def _get_store() -> _Store:
    global _store
    store = _store
    if store is not None:
        return store
    with _store_lock:
        if _store is None:
            _store = _open_or_build(_data_dir())[0]
        return _store


_UNUSABLE = (FileNotFoundError, _StaleData, ValueError, KeyError, TypeError)


def _open_or_build(data_dir: Path, *, source_dir: Path | None = None) -> tuple[_Store, bool]:
    """Open the lookup files; build them first if missing. Returns (store, built_here)."""
    try:
        return _Store(data_dir), False
    except _UNUSABLE as exc:
        reason = exc
    with _build_lock(data_dir):
        # Another process may have finished the build while we waited for the lock.
        try:
            return _Store(data_dir), False
        except _UNUSABLE:
            pass
        logger.warning(
            "geo: postcode lookup file missing or out of date in %s (%s); building it now",
            data_dir,
            reason,
        )
        _build_unlocked(data_dir, source_dir=source_dir)
    return _Store(data_dir), True


def ensure_built(data_dir: Path | str | None = None, *, source_dir: Path | None = None) -> bool:
    """Make sure the lookup files exist and are current. Returns True if this call built them."""
    path = Path(data_dir) if data_dir is not None else _data_dir()
    return _open_or_build(path, source_dir=source_dir)[1]


def reset_cache() -> None:
    """Forget the opened lookup files (after a rebuild, or in tests)."""
    global _store
    with _store_lock:
        _store = None


# --- Lookups ----------------------------------------------------------------------------------


def _place(label: str, lat: float, lon: float, district: _District) -> Place:
    return Place(
        postcode=label,
        latitude=lat,
        longitude=lon,
        district_code=district.code,
        district_name=district.name,
        region_code=district.region_code,
        region_name=district.region_name,
        country=district.country,
        district_latitude=district.latitude,
        district_longitude=district.longitude,
    )


def lookup_postcode(text: str) -> Place:
    """Full postcode -> Place. Raises PostcodeError if malformed or not a current UK postcode."""
    postcode = normalise_postcode(text)
    store = _get_store()
    found = store.find(postcode.replace(" ", "").encode("ascii").ljust(KEY_LEN))
    if found is None:
        raise PostcodeError(
            f"We could not find that postcode. Check it and try again, like {EXAMPLE}"
        )
    lat, lon, d = found
    return _place(postcode, lat / SCALE, lon / SCALE, store.districts[d])


def lookup_outward(text: str) -> Place:
    """Outward code ("LS1") -> Place at the centroid of its postcodes."""
    outward = normalise_outward(text)
    store = _get_store()
    row = store.outward.get(outward)
    if row is None:
        raise PostcodeError(
            f"We could not find a postcode area starting {outward}. "
            f"Check it and try again, or enter a full postcode, like {EXAMPLE}"
        )
    lat, lon, d = row
    return _place(outward, lat, lon, store.districts[d])


def lookup(text: str) -> Place:
    """Full postcode or outward code -> Place."""
    squashed = _squash(text)
    if _OUTWARD_RE.match(squashed):
        return lookup_outward(squashed)
    try:
        return lookup_postcode(squashed)
    except PostcodeError as exc:
        if str(exc).startswith("We could not find"):
            raise
        raise PostcodeError(
            f"Enter a real postcode, like {EXAMPLE}, or the first part of one, like LS1"
        ) from exc


# --- Distance ---------------------------------------------------------------------------------


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within ``miles``.

    Exact for a sphere (longitude half-width asin(sin d / cos lat)), so a database prefilter
    on this box never drops a point that ``haversine_miles`` would keep.
    """
    if miles < 0:
        raise ValueError("miles must not be negative")
    d = miles / EARTH_RADIUS_MILES  # angular radius
    dlat = math.degrees(d)
    min_lat, max_lat = lat - dlat, lat + dlat
    if max_lat >= 90 or min_lat <= -90:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    ratio = math.sin(d) / math.cos(math.radians(lat))
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(ratio))
    return min_lat, max_lat, lon - dlon, lon + dlon
