"""Where a citizen is, and which service points are nearest to her.

Pure: no Flask and no database.  :func:`find_origin` reads what she typed — a
postal code ("40900", "40900 Säynätsalo") or the name of a municipality or of
a point's post office, in Finnish or Swedish, with or without its å, ä and ö —
against the region's municipalities and points; :func:`nearest` orders points
by the great-circle distance (:func:`distance_km`, the haversine formula) from
there.  The rows given may be database rows or any objects with the same
attributes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from booking.region.schema import Location

#: The mean radius of the Earth (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088
#: At most this many characters of what was typed are read.
MAX_TYPED = 80

_POSTAL_CODE = re.compile(r"^(\d{5})(?:\s+\D.*)?$")
Row = TypeVar("Row")


@dataclass(frozen=True)
class Origin:
    """Where the distances are measured from, and what it was found as."""

    location: Location
    municipality: Any  # the municipality row the place belongs to
    postal_code: str | None = None
    #: True when the postal code is not on the region's list and was placed by the
    #: codes it shares its first digits with (see :func:`municipality_by_prefix`).
    approximate: bool = False


def distance_km(a: Location, b: Location) -> float:
    """The great-circle distance between two places, in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(b.longitude - a.longitude) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def location_of(row: Any) -> Location | None:
    if row is None or row.latitude is None or row.longitude is None:
        return None
    return Location(row.latitude, row.longitude)


def folded(text: str) -> str:
    """A place name as compared: "Jyväskylä", "JYVASKYLA" and " jyvaskyla " are alike."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ")


def find_origin(typed: str, municipalities: Sequence[Any], points: Sequence[Any]) -> Origin | None:
    """The place ``typed`` names, or None when it names none of the region's places.

    A postal code of one of the points is that point's place (the nearest point is
    then the one at hand); any other of a municipality's postal codes, or its name,
    is the municipality's centre; a code not listed, the centre of the one
    municipality whose codes share most of its first digits (``approximate``).  A
    point's post office ("Säynätsalo") is the point."""
    text = " ".join(typed.split())[:MAX_TYPED]
    by_id = {m.id: m for m in municipalities}
    code = _POSTAL_CODE.match(text)
    if code:
        postal_code = code.group(1)
        for point in points:
            if point.postal_code == postal_code and location_of(point):
                return Origin(location_of(point), by_id[point.municipality_id], postal_code)
        for municipality in municipalities:
            if postal_code in municipality.postal_codes.split() and location_of(municipality):
                return Origin(location_of(municipality), municipality, postal_code)
        near = municipality_by_prefix(postal_code, municipalities)
        if near is not None and location_of(near):
            return Origin(location_of(near), near, postal_code, approximate=True)
        return None
    name = folded(text)
    if not name:
        return None
    for municipality in municipalities:
        names = {folded(municipality.name_fi), folded(municipality.name_sv)}
        if name in names and location_of(municipality):
            return Origin(location_of(municipality), municipality)
    for point in points:
        if folded(point.post_office) == name and location_of(point):
            return Origin(location_of(point), by_id[point.municipality_id])
    return None


#: An unlisted postal code is placed only by codes sharing at least this many first digits.
SHARED_DIGITS = 3


def municipality_by_prefix(postal_code: str, municipalities: Sequence[Any]) -> Any | None:
    """The one municipality whose listed postal codes share the most first digits with
    ``postal_code`` — at least :data:`SHARED_DIGITS` (a Finnish code's first three
    digits name its post area) — or None when none does or two tie."""
    best, best_shared = [], SHARED_DIGITS - 1
    for municipality in municipalities:
        shared = max(
            (_shared_digits(postal_code, code) for code in municipality.postal_codes.split()),
            default=0,
        )
        if shared > best_shared:
            best, best_shared = [municipality], shared
        elif shared == best_shared and best:
            best.append(municipality)
    return best[0] if len(best) == 1 else None


def _shared_digits(a: str, b: str) -> int:
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


def nearest(origin: Location, points: Iterable[Row], count: int) -> list[tuple[Row, float]]:
    """The ``count`` points nearest to ``origin`` with their distances in kilometres,
    nearest first (then by id); points without a location are left out."""
    measured = [
        (point, distance_km(origin, location))
        for point in points
        if (location := location_of(point)) is not None
    ]
    measured.sort(key=lambda pair: (pair[1], pair[0].id))
    return measured[:count]
