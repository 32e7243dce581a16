"""Postcode formats and the small reference tables: validation, normalisation, the
``Place`` a lookup returns, ITL1 regions and district -> region."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "uk-geo"

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
