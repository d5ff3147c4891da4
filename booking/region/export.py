"""The region as the database holds it, in the region file's own format (TOML).

:func:`region_snapshot` reads the database into plain nested values laid out
like the file (what ``booking region import`` compares before and after a
load); :func:`to_toml` writes them so that :func:`booking.region.reader.parse_region`
reads them back and loading the result changes nothing.  The region's own
name and time zone are not kept in the database: they come from the configured
region file (``meta``), as do the short-day rules until a file was loaded.  Inactive points, rooms,
services and experts are left out, as the file means by leaving them out (and
so are the absences of inactive experts).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.data.calendar_models import ShortDaySettings
from booking.data.figures_models import SETTINGS_ID as FIGURES_SETTINGS_ID
from booking.data.figures_models import FiguresSettings
from booking.data.models import (
    Agency,
    Closure,
    Expert,
    ExpertAbsence,
    Municipality,
    Service,
    ServicePoint,
)
from booking.data.short_days import SETTINGS_ID, split_days
from booking.region.absence_entries import absence_entry
from booking.region.fields import WEEKDAYS
from booking.region.loader import AGENCY_FIELDS, POINT_FIELDS, SERVICE_FIELDS
from booking.region.schema import WHAT_TO_BRING_FIELDS, Region

Snapshot = dict[str, object]


def region_snapshot(session: Session, meta: Region) -> Snapshot:
    """Everything the region file says, read from the database."""
    services = [s for s in session.scalars(select(Service).order_by(Service.id)) if s.active]
    active_services = {s.id for s in services}
    points = session.scalars(
        select(ServicePoint)
        .where(ServicePoint.active)
        .order_by(ServicePoint.id)
        .options(
            selectinload(ServicePoint.rooms),
            selectinload(ServicePoint.opening_hours),
            selectinload(ServicePoint.offerings),
        )
    )
    experts = session.scalars(
        select(Expert)
        .where(Expert.active)
        .order_by(Expert.id)
        .options(selectinload(Expert.services), selectinload(Expert.working_hours))
    )
    stored = session.get(ShortDaySettings, SETTINGS_ID)
    short_days = (
        (stored.closes_at, list(split_days(stored.days)))
        if stored is not None
        else (meta.calendar.short_day_closes, list(meta.calendar.short_days))
    )
    figures = session.get(FiguresSettings, FIGURES_SETTINGS_ID) or meta.figures
    closures = session.scalars(
        select(Closure).order_by(Closure.closed_on, Closure.point_id, Closure.starts, Closure.id)
    )
    zone = ZoneInfo(meta.timezone)
    absences = session.execute(
        select(Expert.key, ExpertAbsence.starts_at, ExpertAbsence.ends_at, ExpertAbsence.reason)
        .join(Expert, Expert.id == ExpertAbsence.expert_id)
        .where(Expert.active)
        .order_by(ExpertAbsence.starts_at, Expert.key, ExpertAbsence.id)
    )
    return {
        "region": {
            "id": meta.id,
            "name_fi": meta.name_fi,
            "name_sv": meta.name_sv,
            "name_en": meta.name_en,
            "timezone": meta.timezone,
        },
        "calendar": {
            "short_day_closes": _clock(short_days[0]),
            "short_days": short_days[1],
        },
        "figures": {"advisors_see_their_points": figures.advisors_see_their_points},
        "municipalities": {
            m.id: _municipality(m)
            for m in session.scalars(select(Municipality).order_by(Municipality.id))
        },
        "agencies": {
            a.id: {name: getattr(a, name) for name in AGENCY_FIELDS}
            for a in session.scalars(select(Agency).order_by(Agency.id))
        },
        "services": {s.id: _service(s) for s in services},
        "points": {p.id: _point(p, active_services) for p in points},
        "closures": [_closure(c) for c in closures],
        "experts": [_expert(e, active_services) for e in experts],
        "absences": [absence_entry(*row, zone) for row in _one_a_start(absences)],
    }


def _one_a_start(absences) -> list[tuple]:
    """One absence of an expert from each start (the longest), as the file matches them."""
    longest: dict[tuple, tuple] = {}
    for key, starts_at, ends_at, reason in absences:
        kept = longest.get((key, starts_at))
        if kept is None or ends_at > kept[2]:
            longest[(key, starts_at)] = (key, starts_at, ends_at, reason)
    return list(longest.values())


def _municipality(municipality: Municipality) -> dict:
    entry: dict[str, object] = {"fi": municipality.name_fi, "sv": municipality.name_sv}
    if municipality.postal_codes:
        entry["postal_codes"] = municipality.postal_codes.split()
    return entry | _location(municipality)


def _service(service: Service) -> dict:
    entry: dict[str, object] = {"agency": service.agency_id}
    entry |= {name: getattr(service, name) for name in SERVICE_FIELDS}
    # Optional in the file: an empty text is left out, as the file means by leaving it out.
    entry |= {name: text for name in WHAT_TO_BRING_FIELDS if (text := getattr(service, name))}
    return entry


def _location(place: Municipality | ServicePoint) -> dict[str, float]:
    if place.latitude is None or place.longitude is None:
        return {}
    return {"latitude": place.latitude, "longitude": place.longitude}


def _point(point: ServicePoint, active_services: set[str]) -> dict:
    entry: dict[str, object] = {"municipality": point.municipality_id}
    entry |= {name: getattr(point, name) for name in POINT_FIELDS}
    if entry["phone"] is None:
        del entry["phone"]
    entry |= _location(point)
    if not point.online:
        entry["online"] = False
    entry["rooms"] = [{"key": r.key, "name": r.name} for r in point.rooms if r.active]
    entry["offers"] = sorted(
        o.service_id for o in point.offerings if o.service_id in active_services
    )
    entry["hours"] = weekly_specs((h.weekday, h.opens, h.closes) for h in point.opening_hours)
    return entry


def _closure(closure: Closure) -> dict:
    entry: dict[str, object] = {"point": closure.point_id, "date": closure.closed_on}
    if closure.starts is not None:
        entry["starts"] = _clock(closure.starts)
        entry["ends"] = _clock(closure.ends)
    if closure.reason:
        entry["reason"] = closure.reason
    return entry


def _expert(expert: Expert, active_services: set[str]) -> dict:
    entry: dict[str, object] = {"key": expert.key, "agency": expert.agency_id, "name": expert.name}
    if expert.email:
        entry["email"] = expert.email
    entry["languages"] = [code for code in expert.languages.split(",") if code]
    entry["services"] = sorted(s.id for s in expert.services if s.id in active_services)
    entry["hours"] = weekly_specs((h.weekday, h.starts, h.ends) for h in expert.working_hours)
    return entry


def weekly_specs(rows) -> dict[str, list[str]]:
    """Weekly intervals as the file writes them: runs of days with the same hours
    joined ("mon-thu"), each day's intervals in order."""
    by_day: dict[int, list[str]] = defaultdict(list)
    for weekday, starts, ends in sorted(rows):
        by_day[weekday].append(f"{_clock(starts)}-{_clock(ends)}")
    specs: dict[str, list[str]] = {}
    day = 0
    while day < 7:
        if day not in by_day:
            day += 1
            continue
        last = day
        while last + 1 < 7 and by_day.get(last + 1) == by_day[day]:
            last += 1
        name = WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}"
        specs[name] = by_day[day]
        day = last + 1
    return specs


def to_toml(snapshot: Snapshot) -> str:
    """The snapshot as a region file."""
    out = ["# The region as the database held it (booking region export).", ""]
    out += ["[region]", *_pairs(snapshot["region"]), ""]
    out += ["[calendar]", *_pairs(snapshot["calendar"]), ""]
    out += ["[figures]", *_pairs(snapshot["figures"]), ""]
    for section in ("municipalities", "agencies", "services"):
        for key, value in snapshot[section].items():
            out += ["", f"[{section}.{key}]", *_pairs(value)]
    for key, value in snapshot["points"].items():
        hours = value["hours"]
        plain = {name: item for name, item in value.items() if name != "hours"}
        out += ["", f"[points.{key}]", *_pairs(plain), f"[points.{key}.hours]", *_pairs(hours)]
    for closure in snapshot["closures"]:
        out += ["", "[[closures]]", *_pairs(closure)]
    for expert in snapshot["experts"]:
        out += ["", "[[experts]]", *_pairs(expert)]
    for absence in snapshot["absences"]:
        out += ["", "[[absences]]", *_pairs(absence)]
    return "\n".join(out) + "\n"


def _pairs(table: dict) -> list[str]:
    return [f"{_key(key)} = {_value(value)}" for key, value in table.items()]


def _key(key: str) -> str:
    return (
        key
        if key.replace("-", "").replace("_", "").isalnum() and key.isascii()
        else (json.dumps(key, ensure_ascii=False))
    )


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return _inline(value)
    return value.isoformat()  # a date or a date-time, unquoted as the file writes them


def _inline(table: dict) -> str:
    return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in table.items()) + " }"


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")
