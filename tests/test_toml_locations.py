"""Line numbers of TOML keys, for region-file errors that point at the right line."""

from __future__ import annotations

from booking.region.toml_locations import TomlLocations, format_path, split_key

TEXT = """\
# a comment
[region]
id = "x"  # trailing comment with [brackets]

[[experts]]
key = "a"

[[experts]]
key = "b"
hours = { mon = ["09:00-12:00"] }
[experts.extra]
note = "under the second expert"

[points."quoted.id"]
offers = [
  "one",
  "two", "three",
  "four",
]
rooms = [{ key = "r1" }]
after = 1
"""


def test_tables_keys_and_arrays_of_tables():
    where = TomlLocations(TEXT)
    assert where.line_of(("region",)) == 2
    assert where.line_of(("region", "id")) == 3
    assert where.line_of(("experts", 0, "key")) == 6
    assert where.line_of(("experts", 1, "key")) == 9
    assert where.line_of(("experts", 1, "extra", "note")) == 12
    assert where.line_of(("points", "quoted.id", "after")) == 21


def test_values_inside_inline_tables_map_to_their_key_line():
    where = TomlLocations(TEXT)
    assert where.line_of(("experts", 1, "hours", "mon")) == 10
    assert where.line_of(("points", "quoted.id", "rooms", 0, "key")) == 20


def test_items_of_multi_line_arrays_have_their_own_lines():
    where = TomlLocations(TEXT)
    offers = ("points", "quoted.id", "offers")
    assert where.line_of((*offers, 0)) == 16
    assert where.line_of((*offers, 2)) == 17
    assert where.line_of((*offers, 3)) == 18
    assert where.line_of(offers, value="three") == 17


def test_unknown_paths_fall_back_to_the_nearest_ancestor():
    where = TomlLocations(TEXT)
    assert where.line_of(("region", "missing")) == 2
    assert where.line_of(("nowhere",)) is None


def test_key_at_a_line():
    where = TomlLocations(TEXT)
    assert where.key_at(17) == ("points", "quoted.id", "offers", 1)
    assert where.key_at(3) == ("region", "id")


def test_names():
    assert split_key('a."b.c".d') == ("a", "b.c", "d")
    assert format_path(("experts", 3, "hours")) == "experts[3].hours"
