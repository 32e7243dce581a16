"""Offline UK geography: marketplace/core/geo/ and manage.py geo_build.

Known points come from public knowledge of the places (Downing Street, Leeds station area,
Cardiff city centre, Edinburgh Waverley, Belfast City Hall) and agree with the ONS postcode
directory to about 1 m. Tolerance 0.001 degrees is about 100 m.
"""

from __future__ import annotations

import json
import logging
import math
import multiprocessing
import random
from pathlib import Path

import brotli
import msgpack
import pytest
from django.core.management import call_command

from marketplace.core import geo
from marketplace.core.geo import PostcodeError

TOLERANCE = 0.001


@pytest.fixture(scope="session")
def geo_data():
    """Build the real lookup file once per session (about 5 s; skipped if already built)."""
    geo.ensure_built()
    geo.reset_cache()
    yield


# --- Full postcodes against known coordinates -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lat", "lon", "district", "region", "country"),
    [
        # 10 Downing Street
        ("SW1A 2AA", 51.5034, -0.1276, "Westminster", "TLI", "England"),
        # Buckingham Palace
        ("SW1A 1AA", 51.50101, -0.14159, "Westminster", "TLI", "England"),
        # Leeds city centre, by the station
        ("LS1 4AP", 53.79546, -1.55572, "Leeds", "TLE", "England"),
        ("LS1 1UR", 53.8022, -1.5485, "Leeds", "TLE", "England"),
        # Manchester, Piccadilly
        ("M1 1AE", 53.4835, -2.2312, "Manchester", "TLD", "England"),
        # Cardiff city centre
        ("CF10 1EP", 51.47576, -3.17921, "Cardiff", "TLL", "Wales"),
        # Edinburgh, Princes Street by Waverley
        ("EH1 1YZ", 55.95033, -3.19302, "City of Edinburgh", "TLM", "Scotland"),
        # Belfast City Hall (Irish Grid in the source, not British National Grid)
        ("BT1 5GS", 54.5966, -5.9301, "Belfast", "TLN", "Northern Ireland"),
        ("BT1 1AA", 54.60244, -5.92229, "Belfast", "TLN", "Northern Ireland"),
    ],
)
def test_lookup_postcode_known_places(geo_data, text, lat, lon, district, region, country):
    place = geo.lookup_postcode(text)
    assert abs(place.latitude - lat) < TOLERANCE
    assert abs(place.longitude - lon) < TOLERANCE
    assert place.district_name == district
    assert place.region_code == region
    assert place.country == country
    assert place.postcode == geo.normalise_postcode(text)


def test_place_carries_codes_and_names(geo_data):
    place = geo.lookup_postcode("ls14ap")
    assert place.postcode == "LS1 4AP"
    assert place.district_code == "E08000035"
    assert place.region_name == "Yorkshire and The Humber"


def test_public_coordinates_are_rounded_in_great_britain(geo_data):
    place = geo.lookup_postcode("SW1A 2AA")
    assert place.public_latitude == round(place.latitude, 4)
    assert place.public_longitude == round(place.longitude, 4)


def test_northern_ireland_public_coordinates_are_the_district_centroid(geo_data):
    city_hall = geo.lookup_postcode("BT1 5GS")
    other = geo.lookup_postcode("BT1 1AA")
    # Every Belfast postcode shows the same public point: the district's, not its own.
    assert (city_hall.public_latitude, city_hall.public_longitude) == (
        other.public_latitude,
        other.public_longitude,
    )
    exact_to_public = geo.haversine_miles(
        city_hall.latitude,
        city_hall.longitude,
        city_hall.public_latitude,
        city_hall.public_longitude,
    )
    assert exact_to_public > 0.1  # well away from the exact point
    # ...but still in Belfast (the district centroid lies within a few miles of City Hall).
    assert exact_to_public < 5
    assert city_hall.public_latitude == round(city_hall.district_latitude, 4)
    # The outward-code centroid for BT1 is also published at district precision.
    outward = geo.lookup_outward("BT1")
    assert (outward.public_latitude, outward.public_longitude) == (
        city_hall.public_latitude,
        city_hall.public_longitude,
    )


# --- Region mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outward", "region_code", "region_name", "country"),
    [
        ("LS1", "TLE", "Yorkshire and The Humber", "England"),
        ("M1", "TLD", "North West", "England"),
        ("CF10", "TLL", "Wales", "Wales"),
        ("EH1", "TLM", "Scotland", "Scotland"),
        ("BT1", "TLN", "Northern Ireland", "Northern Ireland"),
        ("SW1A", "TLI", "London", "England"),
        ("NE1", "TLC", "North East", "England"),
        ("NG1", "TLF", "East Midlands", "England"),
        ("B1", "TLG", "West Midlands", "England"),
        ("CB2", "TLH", "East of England", "England"),
        ("OX1", "TLJ", "South East", "England"),
        ("BS1", "TLK", "South West", "England"),
        # Sheffield and Barnsley have had new district codes since 2024.
        ("S1", "TLE", "Yorkshire and The Humber", "England"),
        ("S70", "TLE", "Yorkshire and The Humber", "England"),
    ],
)
def test_outward_code_region(geo_data, outward, region_code, region_name, country):
    place = geo.lookup_outward(outward)
    assert place.postcode == outward
    assert (place.region_code, place.region_name, place.country) == (
        region_code,
        region_name,
        country,
    )


def test_outward_centroid_is_near_its_postcodes(geo_data):
    centroid = geo.lookup_outward("ls1")
    assert centroid.postcode == "LS1"
    assert centroid.district_name == "Leeds"
    station = geo.lookup_postcode("LS1 4AP")
    assert (
        geo.haversine_miles(
            centroid.latitude, centroid.longitude, station.latitude, station.longitude
        )
        < 1.5
    )


def test_lookup_accepts_full_postcode_or_outward_code(geo_data):
    assert geo.lookup(" cf10 1ep ").postcode == "CF10 1EP"
    assert geo.lookup("cf10").postcode == "CF10"
    assert geo.lookup("EH1").region_code == "TLM"


def test_every_district_has_a_name_and_region(geo_data):
    """All 361 districts in the data map to a named district and one of the 12 regions."""
    meta = json.loads((Path(geo._data_dir()) / geo.META_NAME).read_text())
    region_codes = {code for code, _ in geo.regions()}
    used = {row[2] for row in meta["districts"]}
    assert used == region_codes
    assert all(row[1] for row in meta["districts"])
    assert meta["records"] > 2_600_000


def test_regions_are_the_twelve_itl1_regions_in_order():
    assert geo.regions() == [
        ("TLC", "North East"),
        ("TLD", "North West"),
        ("TLE", "Yorkshire and The Humber"),
        ("TLF", "East Midlands"),
        ("TLG", "West Midlands"),
        ("TLH", "East of England"),
        ("TLI", "London"),
        ("TLJ", "South East"),
        ("TLK", "South West"),
        ("TLL", "Wales"),
        ("TLM", "Scotland"),
        ("TLN", "Northern Ireland"),
    ]


# --- Normalisation and validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ls11ua", "LS1 1UA"),
        ("LS1 1UA", "LS1 1UA"),
        ("  ls1   1ua  ", "LS1 1UA"),
        ("sw1a2aa", "SW1A 2AA"),
        ("SW1A\t2AA", "SW1A 2AA"),
        ("m11ae", "M1 1AE"),
        ("B1 1AA", "B1 1AA"),
        ("cr2 6xh", "CR2 6XH"),
        ("ec1a-1bb", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_postcode(text, expected):
    assert geo.normalise_postcode(text) == expected
    assert geo.is_valid_postcode_format(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a postcode, like SW1A 2AA"),
        ("   ", "Enter a postcode, like SW1A 2AA"),
        (None, "Enter a postcode, like SW1A 2AA"),
        ("LS1", "Enter a full postcode, like SW1A 2AA"),
        ("hello", "Enter a real postcode, like SW1A 2AA"),
        ("12345", "Enter a real postcode, like SW1A 2AA"),
        ("LS1 1U", "Enter a real postcode, like SW1A 2AA"),
        ("LS1 1UAA", "Enter a real postcode, like SW1A 2AA"),
        ("LS1 1CA", "Enter a real postcode, like SW1A 2AA"),  # C is never in the inward code
        ("LSS1 1UA", "Enter a real postcode, like SW1A 2AA"),
        ("LS1 1U!", "only contains letters and numbers"),
        ("<script>", "only contains letters and numbers"),
        ("x" * 10_000, "Enter a real postcode, like SW1A 2AA"),
    ],
)
def test_malformed_postcodes_say_how_to_fix_them(text, message):
    with pytest.raises(PostcodeError) as excinfo:
        geo.normalise_postcode(text)
    assert message in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)
    assert not geo.is_valid_postcode_format(text)


def test_unknown_postcode_says_so(geo_data):
    with pytest.raises(PostcodeError, match="We could not find that postcode"):
        geo.lookup_postcode("ZZ99 9ZZ")
    with pytest.raises(PostcodeError, match="We could not find that postcode"):
        geo.lookup("M1 9ZZ")


def test_unknown_and_malformed_outward_codes(geo_data):
    with pytest.raises(PostcodeError, match="could not find a postcode area starting ZZ9"):
        geo.lookup_outward("zz9")
    with pytest.raises(PostcodeError, match="like LS1 or SW1A"):
        geo.lookup_outward("LS1 4AP")
    with pytest.raises(PostcodeError, match="or the first part of one, like LS1"):
        geo.lookup("not a postcode")
    with pytest.raises(PostcodeError, match="Enter a postcode"):
        geo.lookup("")


def test_postcodes_without_coordinates_are_not_found(geo_data):
    """Jersey (JE) and Isle of Man (IM) have no grid coordinates in the source: not found."""
    with pytest.raises(PostcodeError, match="We could not find"):
        geo.lookup_outward("JE2")


# --- Distance ---------------------------------------------------------------------------------


def test_haversine_london_to_leeds(geo_data):
    london = geo.lookup_postcode("SW1A 2AA")
    leeds = geo.lookup_postcode("LS1 4AP")
    miles = geo.haversine_miles(london.latitude, london.longitude, leeds.latitude, leeds.longitude)
    assert 165 < miles < 175
    assert geo.haversine_miles(51.5, -0.1, 51.5, -0.1) == 0
    assert geo.haversine_miles(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_MILES)


@pytest.mark.parametrize("lat", [50.0, 54.6, 58.5, 60.8])
@pytest.mark.parametrize("miles", [1, 25, 100])
def test_bounding_box_contains_the_radius(lat, miles):
    lon = -2.0
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, miles)
    rng = random.Random(f"{lat}-{miles}")
    d = miles / geo.EARTH_RADIUS_MILES
    phi1, lmb1 = math.radians(lat), math.radians(lon)
    for _ in range(720):
        # A point exactly ``miles`` away in a random direction (destination formula).
        bearing = rng.uniform(0, 2 * math.pi)
        phi2 = math.asin(
            math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(bearing)
        )
        lmb2 = lmb1 + math.atan2(
            math.sin(bearing) * math.sin(d) * math.cos(phi1),
            math.cos(d) - math.sin(phi1) * math.sin(phi2),
        )
        p_lat, p_lon = math.degrees(phi2), math.degrees(lmb2)
        assert geo.haversine_miles(lat, lon, p_lat, p_lon) == pytest.approx(miles)
        assert min_lat - 1e-9 <= p_lat <= max_lat + 1e-9
        assert min_lon - 1e-9 <= p_lon <= max_lon + 1e-9
    # and it is not wastefully large: the north edge is exactly the radius away
    assert geo.haversine_miles(lat, lon, max_lat, lon) == pytest.approx(miles)


def test_bounding_box_rejects_negative_radius():
    with pytest.raises(ValueError):
        geo.bounding_box(51.5, -0.1, -1)


# --- Building the lookup file -----------------------------------------------------------------


def _write_source(directory: Path, letter: str, rows: list[tuple]) -> None:
    columns = ["pcd", "laua", "oseast1m", "osnrth1m"]
    data = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
    payload = msgpack.packb({"columns": columns, "data": data})
    (directory / f"postcodes_{letter}.msgpack.br").write_bytes(brotli.compress(payload))


@pytest.fixture
def tiny_source(tmp_path):
    """A few rows in the source package's own format, including the awkward cases."""
    source = tmp_path / "source"
    source.mkdir()
    nan = float("nan")
    _write_source(
        source,
        "B",
        [
            ("BT1 5GS", "N09000003", 333832.0, 374014.0),
            ("BT1 1AA", "N09000003", 334316.0, 374675.0),
            ("B1  1AA", "E08000025", 406649.0, 286530.0),
            ("BX1 1LT", None, nan, nan),  # non-geographic
            ("NPT 0AD", "W06000022", 331000.0, 188000.0),  # pre-1990s format, terminated
        ],
    )
    _write_source(
        source,
        "L",
        [
            ("LS1 4AP", "E08000035", 429363.0, 433330.0),
            ("LS1 4AP", "E08000035", 1.0, 1.0),  # duplicate: the first wins
            ("LS1 1UR", "E08000035", 429833.0, 434079.0),
        ],
    )
    _write_source(source, "G", [("GY1 1AA", "L99999999", nan, nan)])  # Guernsey
    return source


def test_build_writes_sorted_records_and_skips_unusable_rows(tmp_path, tiny_source):
    out = tmp_path / "out"
    stats = geo.build(out, source_dir=tiny_source)
    assert stats.records == 5
    assert stats.skipped == 4
    assert stats.bin_bytes == 5 * geo.RECORD_SIZE
    raw = (out / geo.BIN_NAME).read_bytes()
    keys = [raw[i : i + geo.KEY_LEN] for i in range(0, len(raw), geo.RECORD_SIZE)]
    assert keys == sorted(keys) == [b"B11AA  ", b"BT11AA ", b"BT15GS ", b"LS11UR ", b"LS14AP "]
    store = geo._Store(out)
    lat, lon, _ = store.find(b"LS14AP ")
    assert (lat, lon) == (round(53.79546 * geo.SCALE), round(-1.55572 * geo.SCALE))
    assert store.find(b"BX11LT ") is None
    assert store.find(b"AA11AA ") is None  # before the first record
    assert store.find(b"ZZ11AA ") is None  # after the last
    assert sorted(store.outward) == ["B1", "BT1", "LS1"]
    assert not list(out.glob("*.tmp"))


def test_missing_file_is_built_on_first_lookup(tmp_path, tiny_source, settings, caplog):
    settings.GEO_DATA_DIR = str(tmp_path / "lazy")
    geo.reset_cache()
    try:
        with caplog.at_level(logging.WARNING, logger="marketplace.core.geo"):
            # The real source would take seconds; point the lazy build at the tiny one.
            assert geo.ensure_built(source_dir=tiny_source) is True
        assert "building it now" in caplog.text
        assert geo.ensure_built(source_dir=tiny_source) is False  # second time: just opens
        assert geo.lookup_postcode("ls11ur").district_name == "Leeds"
        with pytest.raises(PostcodeError, match="We could not find"):
            geo.lookup_postcode("SW1A 2AA")  # not in the tiny data
    finally:
        geo.reset_cache()


def test_truncated_file_is_rebuilt(tmp_path, tiny_source):
    out = tmp_path / "out"
    geo.build(out, source_dir=tiny_source)
    with open(out / geo.BIN_NAME, "r+b") as f:
        f.truncate(geo.RECORD_SIZE * 2)
    assert geo.ensure_built(out, source_dir=tiny_source) is True
    assert (out / geo.BIN_NAME).stat().st_size == 5 * geo.RECORD_SIZE


def _concurrent_build(args):
    out, source = args
    return geo.ensure_built(Path(out), source_dir=Path(source))


def test_concurrent_builders_build_once_and_leave_whole_files(tmp_path, tiny_source):
    out = tmp_path / "shared"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.map(_concurrent_build, [(str(out), str(tiny_source))] * 8)
    assert results.count(True) == 1
    assert not list(out.glob("*.tmp"))
    store = geo._Store(out)
    assert store.count == 5


def test_geo_build_command(tmp_path, tiny_source, monkeypatch):
    monkeypatch.setattr(geo.builder, "_source_dir", lambda: tiny_source)
    from io import StringIO

    stdout = StringIO()
    call_command("geo_build", "--data-dir", str(tmp_path / "cmd"), stdout=stdout)
    assert "5 postcodes" in stdout.getvalue()
    assert (tmp_path / "cmd" / geo.BIN_NAME).stat().st_size == 5 * geo.RECORD_SIZE


def test_lookup_is_fast(geo_data):
    """Well under the 5 ms budget (the benchmark in bench/geo_bench.py gives the figures)."""
    import time

    geo.lookup_postcode("LS1 4AP")
    started = time.perf_counter()
    for _ in range(2000):
        geo.lookup_postcode("LS1 4AP")
    assert (time.perf_counter() - started) / 2000 < 0.005
