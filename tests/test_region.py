"""The region file: the shipped file is complete and consistent; a malformed one is
refused with an error that names the file, the line and the field."""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from booking.engine.calendar_rules import DEFAULT_CALENDAR, FinnishCalendar, ShortDayRules
from booking.region.reader import RegionFileError, parse_region, read_region_file

REGION_FILE = Path(__file__).resolve().parent.parent / "config" / "regions" / "keski-suomi.toml"
SHIPPED = REGION_FILE.read_text(encoding="utf-8")
SOURCE = "keski-suomi.toml"


@pytest.fixture(scope="module")
def region():
    return read_region_file(REGION_FILE)


def calendar_of(region) -> FinnishCalendar:
    """The calendar the application builds from the file's rules once they are loaded."""
    rules = region.calendar
    return FinnishCalendar(ShortDayRules.named(rules.short_day_closes, rules.short_days))


def refused(text: str) -> RegionFileError:
    with pytest.raises(RegionFileError) as caught:
        parse_region(text, source=SOURCE)
    return caught.value


def edited(old: str, new: str, *, after: str = "") -> str:
    """The shipped text with the first ``old`` after ``after`` replaced by ``new``."""
    start = SHIPPED.index(after) if after else 0
    at = SHIPPED.index(old, start)
    return SHIPPED[:at] + new + SHIPPED[at + len(old) :]


def line_of(text: str, snippet: str, *, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(snippet, start)].count("\n") + 1


def assert_names(error: RegionFileError, line: int, field: str) -> None:
    assert (error.source, error.line, error.field) == (SOURCE, line, field)
    assert str(error).startswith(f"{SOURCE}, line {line}, field {field}: ")


# --- the shipped file ---------------------------------------------------------


def test_shipped_file_has_the_22_municipalities_of_central_finland(region):
    names = {m.name_fi for m in region.municipalities}
    assert len(names) == 22
    assert {"Jyväskylä", "Äänekoski", "Keuruu", "Luhanka"} <= names
    assert "Kuhmoinen" not in names  # part of Pirkanmaa since 2021
    assert {m.name_sv for m in region.municipalities if m.name_fi == "Keuruu"} == {"Keuru"}


def test_shipped_file_has_15_points_two_in_jyvaskyla(region):
    assert len(region.points) == 15
    in_jyvaskyla = {p.id for p in region.points if p.municipality == "jyvaskyla"}
    assert in_jyvaskyla == {"jyvaskyla-saynatsalo", "jyvaskyla-korpilahti"}
    assert all(p.rooms and p.hours and p.offers for p in region.points)
    assert any(len(p.rooms) == 2 for p in region.points)


def test_small_points_open_only_some_days(region):
    open_days = {p.id: {h.weekday for h in p.hours} for p in region.points}
    assert open_days["luhanka"] == {1}
    assert open_days["jyvaskyla-korpilahti"] == {0, 1, 2, 3, 4}


def test_every_agency_has_3_to_6_experts_and_sensitive_ones_stay_discreet_in_sms(region):
    per_agency = Counter(e.agency for e in region.experts)
    assert set(per_agency) == {"kela", "vero", "poliisi", "dvv", "oikeusapu", "tyollisyys"}
    assert all(3 <= count <= 6 for count in per_agency.values())
    agencies = {a.id: a for a in region.agencies}
    for sensitive in ("poliisi", "oikeusapu"):
        sms = agencies[sensitive].sms_name_fi + agencies[sensitive].sms_name_sv
        assert "oliisi" not in sms and "oikeus" not in sms.lower()


def test_not_every_point_offers_every_agency(region):
    services = {s.id: s.agency for s in region.services}
    agencies_at = {p.id: {services[s] for s in p.offers} for p in region.points}
    assert "poliisi" not in agencies_at["luhanka"]
    assert agencies_at["keuruu"] == {"kela", "vero", "poliisi", "dvv", "oikeusapu", "tyollisyys"}


def test_typical_durations(region):
    duration = {s.id: s.duration_minutes for s in region.services}
    assert duration["kela-benefits"] == 30
    assert duration["poliisi-permit-advice"] == 30
    assert duration["dvv-guardianship"] == 45
    assert duration["oikeusapu-legal-aid"] == 60
    assert all(10 <= s.buffer_minutes <= 15 for s in region.services)


def test_short_days_include_maundy_thursday(region):
    assert region.calendar.short_day_closes == time(13, 0)
    calendar = calendar_of(region)
    short_days = {
        day
        for day in (date(2026, 1, 1) + timedelta(days=n) for n in range(365))
        if calendar.short_day_closes(day) is not None
    }
    assert short_days == {
        date(2026, 4, 2),
        date(2026, 4, 30),
        date(2026, 12, 5),
        date(2026, 12, 23),
        date(2026, 12, 31),
    }
    assert calendar.short_day_closes(date(2027, 3, 25)) == time(13, 0)


def test_pure_engine_tests_describe_the_shipped_short_days(region):
    # The application takes the rules from the loaded file (test_region_short_days);
    # the engine's built-in default, which its pure tests use, is the shipped file's.
    assert calendar_of(region) == DEFAULT_CALENDAR
    changed = parse_region(SHIPPED.replace('"13:00"', '"12:00"'), source=SOURCE)
    assert calendar_of(changed).short_day_closes(date(2026, 4, 30)) == time(12)


# --- malformed files ----------------------------------------------------------


def test_toml_syntax_error_names_line_and_key():
    text = edited('post_office = "Keuruu"', 'post_office = "Keuruu', after="[points.keuruu]")
    error = refused(text)
    assert_names(error, line_of(text, 'post_office = "Keuruu'), "points.keuruu.post_office")
    assert "syntax" in error.reason


def test_table_declared_twice_is_refused_at_its_line():
    text = SHIPPED + '\n[agencies.kela]\nname_fi = "Kela"\n'
    error = refused(text)
    assert error.line == line_of(text, "[agencies.kela]", after="Heikki Lappalainen")


def test_missing_field_names_the_table_line():
    text = edited('postal_code = "42700"\n', "", after="[points.keuruu]")
    assert_names(refused(text), line_of(text, "[points.keuruu]"), "points.keuruu.postal_code")


def test_unknown_field_is_refused():
    text = edited('post_office = "Keuruu"\n', 'post_office = "Keuruu"\ncolour = "red"\n')
    assert_names(refused(text), line_of(text, 'colour = "red"'), "points.keuruu.colour")


def test_wrong_type_is_refused():
    text = edited("duration_minutes = 60", 'duration_minutes = "60"', after="oikeusapu-legal-aid]")
    error = refused(text)
    field = "services.oikeusapu-legal-aid.duration_minutes"
    assert_names(error, line_of(text, 'duration_minutes = "60"'), field)
    assert "integer" in error.reason


def test_a_service_of_a_day_is_refused_before_the_database_would():
    text = edited("duration_minutes = 60", "duration_minutes = 1440", after="oikeusapu-legal-aid]")
    error = refused(text)
    field = "services.oikeusapu-legal-aid.duration_minutes"
    assert_names(error, line_of(text, "duration_minutes = 1440"), field)
    assert "between 5 and 480" in error.reason


def test_time_25_00_is_refused():
    text = edited('fri = ["08:30-13:00"]', 'fri = ["08:30-25:00"]', after="[points.keuruu.hours]")
    error = refused(text)
    assert_names(error, line_of(text, "08:30-25:00"), "points.keuruu.hours.fri")
    assert "25:00" in error.reason


def test_interval_ending_before_it_starts_in_an_expert_inline_table():
    text = edited('"12:00-16:00"', '"16:00-12:00"', after='key = "vero-pekka-nieminen"')
    error = refused(text)
    assert error.line == line_of(text, "16:00-12:00")
    assert error.field.startswith("experts[") and error.field.endswith("].hours.mon-fri")


def test_offering_of_a_missing_service_names_its_line_in_the_list():
    text = edited('  "dvv-family",\n', '  "dvv-wedding",\n', after="[points.karstula]")
    error = refused(text)
    assert_names(error, line_of(text, '"dvv-wedding"'), "points.karstula.offers")
    assert "dvv-wedding" in error.reason


def test_point_in_an_unknown_municipality_is_refused():
    text = edited('municipality = "multia"', 'municipality = "kuhmoinen"')
    error = refused(text)
    assert_names(error, line_of(text, 'municipality = "kuhmoinen"'), "points.multia.municipality")


def test_duplicate_expert_key_is_refused():
    text = edited('key = "vero-timo-salminen"', 'key = "vero-pekka-nieminen"')
    error = refused(text)
    assert error.line == line_of(text, 'key = "vero-pekka-nieminen"', after="Hakkarainen")
    assert error.field.endswith(".key") and "duplicate" in error.reason


def test_duplicate_room_key_is_refused():
    text = edited('key = "video-2"', 'key = "video-1"', after="[points.keuruu]")
    error = refused(text)
    assert error.line == line_of(text, '{ key = "video-1", name = "Etäpalveluhuone 2" }')
    assert error.field == "points.keuruu.rooms[1].key"


def test_expert_service_of_another_agency_is_refused():
    text = edited('services = ["poliisi-permit-advice"]', 'services = ["kela-benefits"]')
    error = refused(text)
    assert error.line == line_of(text, 'services = ["kela-benefits"]', after="poliisi-kari")
    assert "not a service of 'poliisi'" in error.reason


def test_unknown_short_day_is_refused():
    text = edited('"12-31"]', '"12-32"]')
    assert_names(refused(text), line_of(text, '"12-32"'), "calendar.short_days")


def test_closure_with_a_quoted_date_is_refused():
    text = edited("date = 2027-01-07", 'date = "2027-01-07"')
    error = refused(text)
    assert error.line == line_of(text, 'date = "2027-01-07"')
    assert error.field == "closures[2].date"


def test_unreadable_file_names_the_file(tmp_path):
    with pytest.raises(RegionFileError, match=r"nothing\.toml"):
        read_region_file(tmp_path / "nothing.toml")


def test_only_the_council_and_administrators_see_figures_unless_the_file_says(region):
    assert region.figures.advisors_see_their_points is False
    without = SHIPPED.replace("[figures]\nadvisors_see_their_points = false\n", "")
    assert parse_region(without, source=SOURCE).figures.advisors_see_their_points is False
    allowing = SHIPPED.replace("see_their_points = false", "see_their_points = true")
    assert parse_region(allowing, source=SOURCE).figures.advisors_see_their_points is True


def test_who_sees_the_figures_must_be_true_or_false():
    text = edited("advisors_see_their_points = false", 'advisors_see_their_points = "yes"')
    error = refused(text)
    assert_names(error, line_of(text, '= "yes"'), "figures.advisors_see_their_points")
