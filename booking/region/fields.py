"""Typed reading of one TOML table, with errors that name the file, line and field.

A small checker used by ``booking.region``: each accessor takes a key, checks
type and range, and remembers the key; ``finish()`` rejects keys nobody asked
for, so a misspelt field is an error rather than silently ignored.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, tzinfo
from typing import Any, NoReturn

from booking.region.schema import Location, WeeklyInterval
from booking.region.toml_locations import Path, TomlLocations, format_path

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^(\d{2}):(\d{2})$")
_INTERVAL = re.compile(r"^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class RegionFileError(ValueError):
    """The region file is malformed; the message names the file, the line and the field."""

    def __init__(self, source: str, line: int | None, field: str, reason: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.reason = reason
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}, field {field or '(top level)'}: {reason}")


class FileContext:
    """The file being read: its name and where each key is written."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.locations = TomlLocations(text)

    def fail(self, path: Path, reason: str, value: str | None = None) -> NoReturn:
        line = self.locations.line_of(path, value)
        raise RegionFileError(self.source, line, format_path(path), reason)


class Fields:
    """One TOML table of the region file, read field by field."""

    def __init__(self, context: FileContext, data: Any, path: Path) -> None:
        if not isinstance(data, dict):
            context.fail(path, f"must be a table, not {_type_name(data)}")
        self.context = context
        self.data: dict[str, Any] = data
        self.path = path
        self._used: set[str] = set()

    def fail(self, key: str | int, reason: str, value: str | None = None) -> NoReturn:
        self.context.fail((*self.path, key), reason, value)

    def _get(self, key: str, required: bool) -> Any:
        self._used.add(key)
        if key not in self.data:
            if required:
                self.context.fail((*self.path, key), "missing required field")
            return None
        return self.data[key]

    def text(self, key: str, *, max_length: int, required: bool = True) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, f"must be a string, not {_type_name(value)}")
        if not value.strip():
            self.fail(key, "must not be empty")
        if len(value) > max_length:
            self.fail(key, f"is longer than {max_length} characters")
        return value

    def slug(self, key: str, *, max_length: int) -> str:
        value = self.text(key, max_length=max_length)
        check_slug(self.context, (*self.path, key), value, max_length)
        return value

    def integer(self, key: str, *, minimum: int, maximum: int) -> int:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be an integer, not {_type_name(value)}")
        if not minimum <= value <= maximum:
            self.fail(key, f"must be between {minimum} and {maximum}, not {value}")
        return value

    def number(self, key: str, *, minimum: float, maximum: float) -> float:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number, not {_type_name(value)}")
        if not minimum <= value <= maximum:
            self.fail(key, f"must be between {minimum} and {maximum}, not {value}")
        return float(value)

    def location(self) -> Location | None:
        """``latitude`` and ``longitude`` (decimal degrees), both or neither."""
        given = [key for key in ("latitude", "longitude") if key in self.data]
        if not given:
            return None
        if len(given) == 1:
            missing = "longitude" if given == ["latitude"] else "latitude"
            self.fail(given[0], f"give {missing} too, or neither")
        return Location(
            self.number("latitude", minimum=-90, maximum=90),
            self.number("longitude", minimum=-180, maximum=180),
        )

    def boolean(self, key: str) -> bool:
        value = self._get(key, True)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {_type_name(value)}")
        return value

    def date(self, key: str) -> date:
        value = self._get(key, True)
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(key, "must be a date like 2026-12-24 (unquoted)")
        return value

    def instant(self, key: str, zone: tzinfo) -> datetime:
        """A date and time: with its offset as written, or else wall time of ``zone``."""
        value = self._get(key, True)
        if not isinstance(value, datetime):
            self.fail(key, "must be a date and time like 2026-03-10T12:00:00+02:00 (unquoted)")
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value

    def time_of_day(self, key: str, *, required: bool = True) -> time | None:
        value = self.text(key, max_length=5, required=required)
        return None if value is None else parse_time(self.context, (*self.path, key), value)

    def strings(self, key: str, *, max_length: int) -> tuple[str, ...]:
        value = self._get(key, True)
        if not isinstance(value, list):
            self.fail(key, f"must be a list of strings, not {_type_name(value)}")
        for item in value:
            if not isinstance(item, str) or not item.strip() or len(item) > max_length:
                self.fail(key, f"every item must be a non-empty string (found {item!r})")
        if len(set(value)) != len(value):
            duplicate = next(item for item in value if value.count(item) > 1)
            self.fail(key, f"{duplicate!r} is listed twice", duplicate)
        return tuple(value)

    def table(self, key: str) -> Fields:
        return Fields(self.context, self._get(key, True), (*self.path, key))

    def array_of_tables(self, key: str, *, required: bool = True) -> list[Fields]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"must be a list of tables, not {_type_name(value)}")
        return [Fields(self.context, item, (*self.path, key, i)) for i, item in enumerate(value)]

    def weekly_hours(self, key: str) -> tuple[WeeklyInterval, ...]:
        return parse_weekly_hours(self.table(key))

    def finish(self) -> None:
        """Reject fields this table should not have."""
        for key in self.data:
            if key not in self._used:
                self.fail(key, "unknown field")


def check_slug(context: FileContext, path: Path, value: str, max_length: int) -> None:
    if not SLUG.match(value) or len(value) > max_length:
        context.fail(
            path,
            f"{value!r} is not an id: lowercase letters, digits and single hyphens, "
            f"at most {max_length} characters",
        )


def parse_time(context: FileContext, path: Path, text: str, value: str | None = None) -> time:
    match = _TIME.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    context.fail(path, f"{text!r} is not a time of day (HH:MM, 00:00–23:59)", value)


def parse_weekly_hours(fields: Fields) -> tuple[WeeklyInterval, ...]:
    """``{"mon-fri" = ["09:00-11:30", "12:30-15:00"], "sat" = [...]}`` → sorted intervals.

    A weekday may appear under several specs; its intervals must not overlap.
    """
    by_day: dict[int, list[tuple[time, time, str]]] = {}
    for spec, intervals in fields.data.items():
        fields._used.add(spec)
        days = _parse_day_spec(fields, spec)
        if not isinstance(intervals, list):
            fields.fail(spec, f'must be a list of "HH:MM-HH:MM", not {_type_name(intervals)}')
        for interval in intervals:
            starts, ends = _parse_interval(fields, spec, interval)
            for day in days:
                by_day.setdefault(day, []).append((starts, ends, spec))
    result = []
    for day in sorted(by_day):
        spans = sorted(by_day[day])
        for (_, first_ends, _), (second_starts, _, spec) in itertools.pairwise(spans):
            if second_starts < first_ends:
                fields.fail(spec, f"intervals overlap on {WEEKDAYS[day]}")
        result.extend(WeeklyInterval(day, starts, ends) for starts, ends, _ in spans)
    return tuple(result)


def _parse_day_spec(fields: Fields, spec: str) -> list[int]:
    days: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            fields.fail(spec, f'{spec!r} is not a day spec like "mon", "mon-fri" or "tue,thu"')
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if end < start:
            fields.fail(spec, f"day range {part!r} runs backwards")
        days.extend(range(start, end + 1))
    if len(set(days)) != len(days):
        fields.fail(spec, f"{spec!r} names a day twice")
    return days


def _parse_interval(fields: Fields, spec: str, interval: Any) -> tuple[time, time]:
    path = (*fields.path, spec)
    if not isinstance(interval, str) or not (match := _INTERVAL.match(interval)):
        fields.fail(spec, f'{interval!r} is not an interval "HH:MM-HH:MM"')
    starts = parse_time(fields.context, path, match.group(1), interval)
    ends = parse_time(fields.context, path, match.group(2), interval)
    if ends <= starts:
        fields.context.fail(path, f"{interval!r} ends before it starts", interval)
    return starts, ends


def _type_name(value: Any) -> str:
    return {
        dict: "a table",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
    }.get(type(value), type(value).__name__)
