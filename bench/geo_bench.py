"""Benchmark the offline postcode lookup: build cost and per-lookup latency.

Usage: .venv/bin/python bench/geo_bench.py [--n 10000] [--rebuild] [--data-dir DIR]

Builds the lookup file into a temporary directory (or --data-dir) so the figures include a
cold build, then times N lookups of random real postcodes (read from the built file, so every
one is a hit), N lookups of random well-formed postcodes that are not in the data (misses),
and N outward-code lookups. Prints mean, p50, p99 and max per lookup.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _report(label: str, timings: list[float]) -> None:
    us = [t * 1e6 for t in timings]
    print(
        f"{label:<28} n={len(us):>6}  mean {statistics.fmean(us):7.1f} µs  "
        f"p50 {_percentile(us, 50):7.1f} µs  p99 {_percentile(us, 99):7.1f} µs  "
        f"max {max(us):8.1f} µs"
    )


def _time_each(func, inputs) -> list[float]:
    timings = []
    clock = time.perf_counter
    for item in inputs:
        started = clock()
        func(item)
        timings.append(clock() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--data-dir", default=None, help="build here instead of a temp dir")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from marketplace.core import geo

    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        settings.GEO_DATA_DIR = str(data_dir)
        geo.reset_cache()

        stats = geo.build(data_dir)
        print(
            f"build: {stats.seconds:.2f} s, {stats.records:,} postcodes "
            f"({stats.skipped:,} skipped), {stats.outward_codes:,} outward codes, "
            f"{stats.districts} districts; files {stats.bin_bytes / 1e6:.1f} MB + "
            f"{stats.meta_bytes / 1e3:.0f} kB; peak RSS {stats.peak_rss_mb:.0f} MB"
        )

        started = time.perf_counter()
        geo.lookup_postcode("SW1A 2AA")
        print(
            f"first lookup (opens mmap + reads side table): {(time.perf_counter() - started) * 1e3:.2f} ms"
        )

        rng = random.Random(args.seed)  # noqa: S311 - sampling, not security
        store = geo._get_store()
        picks = [rng.randrange(store.count) for _ in range(args.n)]
        hits = []
        for i in picks:
            key = store.mm[i * geo.RECORD_SIZE : i * geo.RECORD_SIZE + geo.KEY_LEN]
            squashed = key.decode("ascii").rstrip()
            # Present them the way people type them: lower case, no space.
            hits.append(squashed.lower())
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        misses = [
            f"ZZ{rng.randrange(10)}{rng.randrange(10)} {rng.randrange(10)}"
            f"{rng.choice(letters)}{rng.choice(letters)}"
            for _ in range(args.n)
        ]
        outwards = [rng.choice(list(store.outward)) for _ in range(args.n)]

        def miss(text):
            with contextlib.suppress(geo.PostcodeError):
                geo.lookup_postcode(text)

        _report("lookup_postcode (hits)", _time_each(geo.lookup_postcode, hits))
        _report("lookup_postcode (misses)", _time_each(miss, misses))
        _report("lookup_outward", _time_each(geo.lookup_outward, outwards))
        _report(
            "lookup (mixed)", _time_each(geo.lookup, hits[: args.n // 2] + outwards[: args.n // 2])
        )
        _report(
            "haversine_miles",
            _time_each(lambda _: geo.haversine_miles(51.5, -0.12, 53.8, -1.55), range(args.n)),
        )
        geo.reset_cache()


if __name__ == "__main__":
    main()
