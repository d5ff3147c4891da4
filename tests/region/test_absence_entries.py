"""Experts' absences in the region file: whole days or a part of a day, checked, and
refused with an error that names the file, the line and the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.region.reader import RegionFileError, parse_region
from tests.test_region import SHIPPED, SOURCE, assert_names, line_of

EXPERT = "kela-aino-laaksonen"


def with_absences(*entries: str) -> str:
    return SHIPPED + "".join(f"\n[[absences]]\n{entry}\n" for entry in entries)


def refused(text: str) -> RegionFileError:
    with pytest.raises(RegionFileError) as caught:
        parse_region(text, source=SOURCE)
    return caught.value


def test_whole_days_run_from_the_first_midnight_to_the_one_after_the_last_day():
    text = with_absences(
        f'expert = "{EXPERT}"\nfirst_day = 2026-03-30\nlast_day = 2026-03-31\nreason = "loma"'
    )
    [absence] = parse_region(text, source=SOURCE).absences
    assert absence.expert == EXPERT and absence.reason == "loma"
    # Summer time begins on 29.3.: Helsinki midnight is 21:00 UTC the day before.
    assert absence.starts.astimezone(UTC) == datetime(2026, 3, 29, 21, 0, tzinfo=UTC)
    assert absence.ends.astimezone(UTC) == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)


def test_a_part_of_a_day_is_wall_time_of_the_region_unless_an_offset_is_written():
    text = with_absences(
        f'expert = "{EXPERT}"\nstarts = 2026-03-10T12:00:00\nends = 2026-03-10T14:00:00Z'
    )
    [absence] = parse_region(text, source=SOURCE).absences
    assert absence.starts.astimezone(UTC) == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert absence.ends == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def test_an_absence_of_an_expert_not_in_the_file_names_its_line():
    text = with_absences('expert = "kela-nobody"\nfirst_day = 2026-03-10\nlast_day = 2026-03-10')
    assert_names(refused(text), line_of(text, 'expert = "kela-nobody"'), "absences[0].expert")


def test_an_absence_ending_before_it_starts_names_the_end():
    text = with_absences(
        f'expert = "{EXPERT}"\nfirst_day = 2026-03-10\nlast_day = 2026-03-10',
        f'expert = "{EXPERT}"\nstarts = 2026-03-11T12:00:00\nends = 2026-03-11T11:00:00',
    )
    assert_names(refused(text), line_of(text, "ends = 2026-03-11T11:00:00"), "absences[1].ends")


def test_a_last_day_before_the_first_is_refused():
    text = with_absences(f'expert = "{EXPERT}"\nfirst_day = 2026-03-10\nlast_day = 2026-03-09')
    assert_names(refused(text), line_of(text, "last_day = 2026-03-09"), "absences[0].last_day")


def test_a_quoted_date_and_time_is_refused():
    text = with_absences(
        f'expert = "{EXPERT}"\nstarts = "2026-03-10 12:00"\nends = 2026-03-10T14:00:00'
    )
    error = refused(text)
    assert_names(error, line_of(text, 'starts = "2026-03-10 12:00"'), "absences[0].starts")
    assert "must be a date and time" in error.reason


def test_days_and_times_together_are_refused():
    days = f'expert = "{EXPERT}"\nfirst_day = 2026-03-10\nlast_day = 2026-03-10'
    text = with_absences(days + "\nends = 2026-03-10T14:00:00")
    assert_names(refused(text), line_of(text, "ends = 2026-03-10T14:00:00"), "absences[0].ends")


def test_a_second_absence_from_the_same_start_is_refused():
    entry = f'expert = "{EXPERT}"\nfirst_day = 2026-03-10\nlast_day = 2026-03-10'
    text = with_absences(entry, entry.replace("last_day = 2026-03-10", "last_day = 2026-03-12"))
    error = refused(text)
    assert error.field == "absences[1].expert"
    assert error.line == line_of(text, f'expert = "{EXPERT}"', after="last_day = 2026-03-10\n")


def test_a_misspelt_field_is_refused():
    text = with_absences(
        f'expert = "{EXPERT}"\nfirst_day = 2026-03-10\nlast_day = 2026-03-10\nwhy = "x"'
    )
    assert_names(refused(text), line_of(text, 'why = "x"'), "absences[0].why")
