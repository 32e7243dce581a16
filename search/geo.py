"""Distances for search: the same great-circle formula in Python (the oracle, and what ES uses
in effect) and in SQL (the database backend), with the bounding box that prefilters rows on
their indexed latitude/longitude before the exact distance is computed.

Each entry also keeps its point as a unit vector (``unit_vector``). Two points' dot product is
the cosine of the angle between them, so "within r miles" is three multiplications per row
instead of the trigonometry of the distance. The SQL computes the exact distance only for rows
in a thin ring around the circle, where rounding could decide (``nearness_bounds``), so the set
kept is the one ``haversine_miles`` keeps."""

from __future__ import annotations

import math

from django.db.models import Expression, F, FloatField

from marketplace.core.geo import EARTH_RADIUS_MILES, bounding_box, haversine_miles

# Nothing in the UK is further than this from anywhere else in it; larger radii are capped.
UK_MAX_RADIUS_MILES = 1000.0

__all__ = [
    "UK_MAX_RADIUS_MILES",
    "bounding_box",
    "capped_radius",
    "distance_expression",
    "haversine_miles",
    "nearness_bounds",
    "nearness_expression",
    "unit_vector",
]

# Rows whose distance from the circle's edge is less than this are decided by the exact
# distance. Rounding moves a dot product by about 1e-16, a few centimetres at the UK's scale at
# worst; a margin of about 16 metres leaves plenty of room.
NEARNESS_MARGIN_MILES = 0.01
# A dot product of unit vectors never reaches this: "no row is surely inside".
_NEVER = 2.0


def capped_radius(miles: float | None) -> float | None:
    if miles is None:
        return None
    return max(0.0, min(float(miles), UK_MAX_RADIUS_MILES))


class _RowSQL(Expression):
    """A fixed SQL formula over some of the row's own columns, compiled in one step. The same
    formula built from ORM functions is a tree of some thirty expressions, and Django compiles
    each one on every statement: that cost more than the query it wrote (5 ms a search)."""

    output_field = FloatField()

    def __init__(self, template: str, columns: dict[str, str], params: list[float]):
        # ``template`` names the columns as {name} and takes ``params`` as %s, in order.
        super().__init__(output_field=FloatField())
        self.template, self.params = template, [float(p) for p in params]
        self.columns = {key: F(field) for key, field in columns.items()}

    def get_source_expressions(self):
        return list(self.columns.values())

    def set_source_expressions(self, exprs):
        self.columns = dict(zip(self.columns, exprs, strict=True))

    def as_sql(self, compiler, connection):
        names = {}
        for key, column in self.columns.items():
            names[key], column_params = compiler.compile(column)
            if column_params:
                raise ValueError("a column with parameters cannot appear in a row formula")
        least = "LEAST" if connection.vendor == "postgresql" else "MIN"
        return self.template.format(least=least, **names), list(self.params)


def distance_expression(latitude: float, longitude: float):
    """SQL for ``haversine_miles(latitude, longitude, row.latitude, row.longitude)``, term by
    term, so the database and Python agree to the last bit that matters (PostgreSQL and SQLite
    alike). Null without a point: PostgreSQL's LEAST ignores NULLs, so a row without one would
    otherwise be "half the world away"."""
    phi1 = math.radians(latitude)
    return _RowSQL(
        "CASE WHEN ({lat} IS NOT NULL AND {lon} IS NOT NULL) THEN"
        " (%s * ASIN({least}(1.0, SQRT((POWER(SIN(((RADIANS({lat}) - %s) / 2.0)), 2)"
        " + ((%s * COS(RADIANS({lat}))) * POWER(SIN((RADIANS(({lon} - %s)) / 2.0)), 2)))))))"
        " ELSE NULL END",
        {"lat": "latitude", "lon": "longitude"},
        [2 * EARTH_RADIUS_MILES, phi1, math.cos(phi1), longitude],
    )


def unit_vector(
    latitude: float | None, longitude: float | None
) -> tuple[float | None, float | None, float | None]:
    """The point on the unit sphere, (x, y, z); (None, None, None) without a point."""
    if latitude is None or longitude is None:
        return None, None, None
    phi, lmb = math.radians(latitude), math.radians(longitude)
    return math.cos(phi) * math.cos(lmb), math.cos(phi) * math.sin(lmb), math.sin(phi)


def nearness_bounds(miles: float) -> tuple[float, float]:
    """(surely, perhaps) for a circle of ``miles``: a row whose unit vector's dot product with
    the centre's is at least ``surely`` is inside; below ``perhaps`` it is outside; in between,
    the exact distance decides."""
    inner = miles - NEARNESS_MARGIN_MILES
    surely = math.cos(inner / EARTH_RADIUS_MILES) if inner > 0 else _NEVER
    outer = min(miles + NEARNESS_MARGIN_MILES, math.pi * EARTH_RADIUS_MILES)
    return surely, math.cos(outer / EARTH_RADIUS_MILES)


def nearness_expression(latitude: float, longitude: float):
    """SQL for the dot product of the row's unit vector with the point's."""
    return _RowSQL(
        "(({x} * %s + {y} * %s) + {z} * %s)",
        {"x": "unit_x", "y": "unit_y", "z": "unit_z"},
        list(unit_vector(latitude, longitude)),
    )
