"""Finding a citizen's place from what she typed, and the points nearest to it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from booking.region.nearest import distance_km, find_origin, nearest
from booking.region.reader import read_region_file
from booking.region.schema import Location
from config.settings import REGION_FILE

JYVASKYLA = Location(62.2415, 25.7209)
HELSINKI = Location(60.1699, 24.9384)


def municipality(id, fi, sv, codes, lat, lon):
    return SimpleNamespace(
        id=id, name_fi=fi, name_sv=sv, postal_codes=codes, latitude=lat, longitude=lon
    )


def point(id, municipality_id, postal_code, post_office, lat, lon):
    return SimpleNamespace(
        id=id,
        municipality_id=municipality_id,
        postal_code=postal_code,
        post_office=post_office,
        latitude=lat,
        longitude=lon,
    )


MUNICIPALITIES = [
    municipality("jyvaskyla", "Jyväskylä", "Jyväskylä", "40100 40900", 62.2415, 25.7209),
    municipality("keuruu", "Keuruu", "Keuru", "42700", 62.259, 24.706),
    municipality("laukaa", "Laukaa", "Laukas", "41340", 62.415, 25.951),
]
POINTS = [
    point("saynatsalo", "jyvaskyla", "40900", "Säynätsalo", 62.1397, 25.7675),
    point("keuruu", "keuruu", "42700", "Keuruu", 62.259, 24.706),
    point("nowhere", "keuruu", "42700", "Keuruu", None, None),
]


def test_haversine_distance_of_known_places():
    assert distance_km(JYVASKYLA, JYVASKYLA) == 0
    assert distance_km(JYVASKYLA, HELSINKI) == pytest.approx(232, abs=3)
    assert distance_km(HELSINKI, JYVASKYLA) == distance_km(JYVASKYLA, HELSINKI)


@pytest.mark.parametrize(
    ("typed", "found", "postal_code"),
    [
        ("40100", "jyvaskyla", "40100"),
        (" 40100 Jyväskylä ", "jyvaskyla", "40100"),
        ("Jyväskylä", "jyvaskyla", None),
        ("JYVASKYLA", "jyvaskyla", None),
        ("Keuru", "keuruu", None),
        ("laukas", "laukaa", None),
        ("säynätsalo", "jyvaskyla", None),
    ],
)
def test_a_postal_code_or_a_name_finds_the_place(typed, found, postal_code):
    origin = find_origin(typed, MUNICIPALITIES, POINTS)
    assert origin.municipality.id == found
    assert origin.postal_code == postal_code


def test_a_points_own_postal_code_measures_from_the_point():
    origin = find_origin("40900", MUNICIPALITIES, POINTS)
    assert origin.location == Location(62.1397, 25.7675)
    assert nearest(origin.location, POINTS, 5)[0] == (POINTS[0], 0.0)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("42750", "keuruu"),  # shares 427 with Keuruu's 42700 only
        ("40150", "jyvaskyla"),  # 401 with Jyväskylä's 40100
        ("41350", "laukaa"),  # 413 with Laukaa's 41340
    ],
)
def test_a_postal_code_not_listed_is_placed_by_the_codes_sharing_its_first_digits(typed, found):
    origin = find_origin(typed, MUNICIPALITIES, POINTS)
    assert origin.municipality.id == found
    assert origin.postal_code == typed and origin.approximate
    assert not find_origin("42700", MUNICIPALITIES, POINTS).approximate


@pytest.mark.parametrize("typed", ["", "   ", "00100", "Helsinki", "4010", "x" * 500, "<b>"])
def test_what_names_no_place_of_the_region_finds_nothing(typed):
    assert find_origin(typed, MUNICIPALITIES, POINTS) is None


@pytest.mark.parametrize("typed", ["42000", "41000", "40000"])
def test_a_code_sharing_under_three_digits_or_tied_between_municipalities_finds_nothing(typed):
    # 42000 shares only "42" with Keuruu; 41000 "41" with Laukaa; 40000 "40" with Jyväskylä.
    assert find_origin(typed, MUNICIPALITIES, POINTS) is None
    tied = [*MUNICIPALITIES, municipality("other", "Muu", "Annan", "42710", 62.0, 25.0)]
    assert find_origin("42750", tied, POINTS) is None


def test_nearest_orders_by_distance_and_leaves_out_unplaced_points():
    ranked = nearest(Location(62.26, 24.8), POINTS, 5)
    assert [p.id for p, _ in ranked] == ["keuruu", "saynatsalo"]
    assert ranked[0][1] < ranked[1][1]
    assert nearest(JYVASKYLA, POINTS, 1)[0][0].id == "saynatsalo"


def test_the_shipped_file_places_every_municipality_and_point():
    region = read_region_file(REGION_FILE)
    codes = [code for m in region.municipalities for code in m.postal_codes]
    assert all(m.location and m.postal_codes for m in region.municipalities)
    assert all(p.location for p in region.points)
    assert len(codes) == len(set(codes))
    by_id = {m.id: m for m in region.municipalities}
    for p in region.points:
        assert p.postal_code in by_id[p.municipality].postal_codes
        # Every point lies within 40 km of its municipality's centre (Central Finland).
        assert distance_km(p.location, by_id[p.municipality].location) < 40
        assert 61.3 < p.location.latitude < 63.7 and 23.8 < p.location.longitude < 27.0
