"""The region file's ``[[absences]]``: experts away, read and checked (pure).

An absence names an expert of the file's ``[[experts]]`` by ``key`` and is
either whole days, ``first_day`` to ``last_day`` (dates, the region's time
zone, as an administrator's page enters them), or a part of a day,
``starts`` to ``ends`` (date-times; without an offset they are the region's
wall time).  ``reason`` is for staff only.  An error names the file, the line
and the field, as everywhere in the file.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.data.calendar_inputs import local_day_window
from booking.region.fields import Fields
from booking.region.schema import AbsenceDef

REASON_LENGTH = 200  # as an administrator's page allows
FIRST_YEAR, LAST_YEAR = 2000, 2100


def read_absences(
    entries: list[Fields], expert_keys: set[str], timezone: str
) -> tuple[AbsenceDef, ...]:
    """Each ``[[absences]]`` entry as an :class:`AbsenceDef` (aware instants)."""
    zone = ZoneInfo(timezone)
    result: list[AbsenceDef] = []
    seen: set[tuple[str, datetime]] = set()
    for entry in entries:
        expert = entry.text("expert", max_length=60)
        if expert not in expert_keys:
            entry.fail("expert", f"no expert {expert!r} in [[experts]]")
        starts, ends = _span(entry, zone)
        if (expert, starts) in seen:
            entry.fail("expert", f"a second absence of {expert!r} starting at the same time")
        seen.add((expert, starts))
        reason = entry.text("reason", max_length=REASON_LENGTH, required=False) or ""
        entry.finish()
        result.append(AbsenceDef(expert, starts, ends, reason))
    return tuple(result)


def absence_entry(
    expert_key: str, starts_at: datetime, ends_at: datetime, reason: str, zone: ZoneInfo
) -> dict[str, object]:
    """An absence as the file writes it: whole days by their dates, else its instants."""
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    entry: dict[str, object] = {"expert": expert_key}
    if starts.time() == ends.time() == time(0) and ends.date() > starts.date():
        entry |= {"first_day": starts.date(), "last_day": ends.date() - timedelta(days=1)}
    else:
        entry |= {"starts": starts, "ends": ends}
    if reason:
        entry["reason"] = reason
    return entry


def _span(entry: Fields, zone: ZoneInfo) -> tuple[datetime, datetime]:
    whole = "first_day" in entry.data or "last_day" in entry.data
    if whole and ("starts" in entry.data or "ends" in entry.data):
        entry.fail(
            "starts" if "starts" in entry.data else "ends",
            "give first_day and last_day, or starts and ends, not both",
        )
    if whole or "starts" not in entry.data:
        first, last = _day(entry, "first_day"), _day(entry, "last_day")
        if last < first:
            entry.fail("last_day", "must not be before first_day")
        whole_days = local_day_window(first, last, zone)
        return whole_days.start, whole_days.end
    starts, ends = _moment(entry, "starts", zone), _moment(entry, "ends", zone)
    if ends <= starts:
        entry.fail("ends", "must be later than starts")
    return starts, ends


def _day(entry: Fields, key: str) -> date:
    value = entry.date(key)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        entry.fail(key, f"must be in the years {FIRST_YEAR}-{LAST_YEAR}")
    return value


def _moment(entry: Fields, key: str, zone: ZoneInfo) -> datetime:
    value = entry.instant(key, zone)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        entry.fail(key, f"must be in the years {FIRST_YEAR}-{LAST_YEAR}")
    return value
