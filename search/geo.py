"""Distances for search: the same great-circle formula in Python (the oracle, and what ES uses
in effect) and in SQL (the database backend), with the bounding box that prefilters rows on
their indexed latitude/longitude before the exact distance is computed."""

from __future__ import annotations

import math

from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from marketplace.core.geo import EARTH_RADIUS_MILES, bounding_box, haversine_miles

# Nothing in the UK is further than this from anywhere else in it; larger radii are capped.
UK_MAX_RADIUS_MILES = 1000.0

__all__ = [
    "UK_MAX_RADIUS_MILES",
    "bounding_box",
    "capped_radius",
    "distance_expression",
    "haversine_miles",
]


def capped_radius(miles: float | None) -> float | None:
    if miles is None:
        return None
    return max(0.0, min(float(miles), UK_MAX_RADIUS_MILES))


def _float(value: float) -> Value:
    return Value(float(value), output_field=FloatField())


def distance_expression(
    latitude: float, longitude: float, *, lat_field="latitude", lon_field="longitude"
):
    """SQL for ``haversine_miles(latitude, longitude, row.lat, row.lon)``, term by term, so the
    database and Python agree to the last bit that matters (PostgreSQL and SQLite alike)."""
    phi1 = math.radians(latitude)
    phi2 = Radians(F(lat_field))
    dphi = phi2 - _float(phi1)
    dlmb = Radians(F(lon_field) - _float(longitude))
    a = Power(Sin(dphi / _float(2)), 2) + _float(math.cos(phi1)) * Cos(phi2) * Power(
        Sin(dlmb / _float(2)), 2
    )
    distance = _float(2 * EARTH_RADIUS_MILES) * ASin(Least(_float(1.0), Sqrt(a)))
    # PostgreSQL's LEAST ignores NULLs, so a row without a point would be "half the world away".
    return Case(
        When(**{f"{lat_field}__isnull": False, f"{lon_field}__isnull": False}, then=distance),
        default=None,
        output_field=FloatField(),
    )
