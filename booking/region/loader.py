"""Load a checked :class:`~booking.region_schema.Region` into the database, idempotently.

Everything is matched by its stable id (a municipality, point, agency or
service by ``id``, an expert by ``key``, a room by point and ``key``), so a
second load updates in place and never duplicates.  Nothing with booked
history is deleted: a point, room, service or expert that left the file
becomes inactive.  Offerings, weekly opening hours, experts' working hours
and experts' services are made to match the file exactly; closures from the
file are added or updated, and closures an administrator entered are kept; so
are experts' absences (``[[absences]]``), matched by expert and start.
The file's short-day rules (``[calendar]``) become the one
``short_day_settings`` row, which every opening-hours computation reads.

The loader writes only what differs, so loading an unchanged file changes no
row.  It flushes but never commits: the caller commits (``booking setup``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.calendar_models import ShortDaySettings
from booking.data.calendar_revision import bump_calendar_revision
from booking.data.figures_models import SETTINGS_ID as FIGURES_SETTINGS_ID
from booking.data.figures_models import FiguresSettings
from booking.data.models import (
    Agency,
    Closure,
    Expert,
    ExpertAbsence,
    ExpertHours,
    Municipality,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
)
from booking.data.short_days import SETTINGS_ID, join_days
from booking.region.schema import WHAT_TO_BRING_FIELDS, Location, Region, WeeklyInterval


@dataclass
class LoadSummary:
    """How many objects of each kind the load created, updated, deactivated and removed."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deactivated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deactivated or +self.removed)

    def __str__(self) -> str:
        if not self.changed:
            return "no changes"
        parts = []
        for verb, counts in (
            ("created", self.created),
            ("updated", self.updated),
            ("deactivated", self.deactivated),
            ("removed", self.removed),
        ):
            if +counts:
                listed = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
                parts.append(f"{verb} {listed}")
        return "; ".join(parts)


def load_region(session: Session, region: Region) -> LoadSummary:
    """Make the database say what ``region`` says. Flushes; the caller commits.

    When anything changed, the calendar revision goes up so that no cached
    availability survives the load.
    """
    loader = _Loader(session)
    loader.short_days(region)
    loader.figures(region)
    loader.municipalities(region)
    loader.agencies(region)
    loader.services(region)
    loader.points(region)
    loader.closures(region)
    loader.experts(region)
    loader.absences(region)
    session.flush()
    if loader.summary.changed:
        bump_calendar_revision(session)
    return loader.summary


class _Loader:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.summary = LoadSummary()

    def _upsert(self, model: type, kind: str, key: Any, values: dict[str, Any], existing=None):
        """Create the row with primary key ``key``, or set ``values`` where they differ."""
        row = existing
        if row is None and key is not None:
            row = self.session.get(model, key)
        if row is None:
            row = model(**values)
            self.session.add(row)
            self.summary.created[kind] += 1
            return row
        if _assign(row, values):
            self.summary.updated[kind] += 1
        return row

    def _deactivate(self, rows, kind: str) -> None:
        for row in rows:
            if row.active:
                row.active = False
                self.summary.deactivated[kind] += 1

    def short_days(self, region: Region) -> None:
        values = {
            "id": SETTINGS_ID,
            "closes_at": region.calendar.short_day_closes,
            "days": join_days(region.calendar.short_days),
        }
        self._upsert(ShortDaySettings, "short-day rules", SETTINGS_ID, values)

    def figures(self, region: Region) -> None:
        values = {
            "id": FIGURES_SETTINGS_ID,
            "advisors_see_their_points": region.figures.advisors_see_their_points,
        }
        self._upsert(FiguresSettings, "figures settings", FIGURES_SETTINGS_ID, values)

    def municipalities(self, region: Region) -> None:
        for item in region.municipalities:
            values = {
                "id": item.id,
                "name_fi": item.name_fi,
                "name_sv": item.name_sv,
                "postal_codes": " ".join(item.postal_codes),
                **_coordinates(item.location),
            }
            self._upsert(Municipality, "municipalities", item.id, values)

    def agencies(self, region: Region) -> None:
        for item in region.agencies:
            values = {name: getattr(item, name) for name in ("id", *AGENCY_FIELDS)}
            self._upsert(Agency, "agencies", item.id, values)

    def services(self, region: Region) -> None:
        for item in region.services:
            names = ("id", *SERVICE_FIELDS, *WHAT_TO_BRING_FIELDS)
            values = {name: getattr(item, name) for name in names}
            values.update(agency_id=item.agency, active=True)
            self._upsert(Service, "services", item.id, values)
        listed = {item.id for item in region.services}
        self._deactivate(
            self.session.scalars(select(Service).where(Service.id.not_in(listed))), "services"
        )

    def points(self, region: Region) -> None:
        for item in region.points:
            values = {name: getattr(item, name) for name in ("id", *POINT_FIELDS)}
            values.update(municipality_id=item.municipality, active=True, online=item.online)
            values.update(_coordinates(item.location))
            created = self.session.get(ServicePoint, item.id) is None
            point = self._upsert(ServicePoint, "points", item.id, values)
            self._rooms(point, item.rooms)
            if self._opening_hours(point, item.hours) and not created:
                self.summary.updated["opening hours"] += 1
        listed = {item.id for item in region.points}
        absent = self.session.scalars(select(ServicePoint).where(ServicePoint.id.not_in(listed)))
        self._deactivate(absent, "points")
        self._offerings(region)

    def _rooms(self, point: ServicePoint, rooms) -> None:
        existing = {room.key: room for room in point.rooms}
        for item in rooms:
            values = {"key": item.key, "name": item.name, "active": True}
            room = existing.get(item.key)
            if room is None:
                point.rooms.append(Room(**values))
                self.summary.created["rooms"] += 1
            elif _assign(room, values):
                self.summary.updated["rooms"] += 1
        listed = {item.key for item in rooms}
        self._deactivate((r for k, r in existing.items() if k not in listed), "rooms")

    def _opening_hours(self, point: ServicePoint, hours: tuple[WeeklyInterval, ...]) -> bool:
        """Make the point's weekly hours match ``hours``; True when they changed."""
        return self._match_weekly(
            point.opening_hours,
            hours,
            key=lambda row: (row.weekday, row.opens, row.closes),
            make=lambda weekday, opens, closes: OpeningHours(
                weekday=weekday, opens=opens, closes=closes
            ),
        )

    def _offerings(self, region: Region) -> None:
        wanted = {(point.id, service) for point in region.points for service in point.offers}
        current = {(o.point_id, o.service_id): o for o in self.session.scalars(select(Offering))}
        for key, row in current.items():
            if key not in wanted:
                self.session.delete(row)
                self.summary.removed["offerings"] += 1
        for point_id, service_id in sorted(wanted - set(current)):
            self.session.add(Offering(point_id=point_id, service_id=service_id))
            self.summary.created["offerings"] += 1

    def closures(self, region: Region) -> None:
        for item in region.closures:
            row = self.session.scalar(
                select(Closure).where(
                    Closure.point_id == item.point,
                    Closure.closed_on == item.closed_on,
                    Closure.starts.is_(None)
                    if item.starts is None
                    else Closure.starts == item.starts,
                )
            )
            values = {
                "point_id": item.point,
                "closed_on": item.closed_on,
                "starts": item.starts,
                "ends": item.ends,
                "reason": item.reason,
            }
            self._upsert(Closure, "closures", None, values, existing=row)

    def experts(self, region: Region) -> None:
        existing = {expert.key: expert for expert in self.session.scalars(select(Expert))}
        services = {service.id: service for service in self.session.scalars(select(Service))}
        for item in region.experts:
            values = {
                "key": item.key,
                "agency_id": item.agency,
                "name": item.name,
                "email": item.email,
                "languages": ",".join(item.languages),
                "active": True,
            }
            expert = existing.get(item.key)
            if expert is None:
                expert = Expert(**values)
                self.session.add(expert)
                self.summary.created["experts"] += 1
                changed = False
            else:
                changed = _assign(expert, values)
            wanted_services = [services[service_id] for service_id in item.services]
            if {s.id for s in expert.services} != set(item.services):
                expert.services = wanted_services
                changed = True
            changed |= self._expert_hours(expert, item.hours)
            if changed and item.key in existing:
                self.summary.updated["experts"] += 1
        listed = {item.key for item in region.experts}
        self._deactivate((e for k, e in existing.items() if k not in listed), "experts")

    def absences(self, region: Region) -> None:
        """Add the file's absences, or update their ends and reasons (an absence is its
        expert's from its start); absences an administrator entered are kept."""
        if not region.absences:
            return
        self.session.flush()  # experts the file has just added get their ids
        experts = {e.key: e.id for e in self.session.scalars(select(Expert))}
        wanted = {experts[item.expert] for item in region.absences}
        existing = {
            (row.expert_id, row.starts_at): row
            for row in self.session.scalars(
                select(ExpertAbsence).where(ExpertAbsence.expert_id.in_(sorted(wanted)))
            )
        }
        for item in region.absences:
            values = {
                "expert_id": experts[item.expert],
                "starts_at": item.starts,
                "ends_at": item.ends,
                "reason": item.reason,
            }
            row = existing.get((values["expert_id"], item.starts))
            self._upsert(ExpertAbsence, "absences", None, values, existing=row)

    def _expert_hours(self, expert: Expert, hours: tuple[WeeklyInterval, ...]) -> bool:
        """Make the expert's working hours match ``hours``; True when they changed."""
        return self._match_weekly(
            expert.working_hours,
            hours,
            key=lambda row: (row.weekday, row.starts, row.ends),
            make=lambda weekday, starts, ends: ExpertHours(
                weekday=weekday, starts=starts, ends=ends
            ),
        )

    def _match_weekly(self, rows: list, hours: tuple[WeeklyInterval, ...], *, key, make) -> bool:
        """Make a collection of weekly interval rows match ``hours``, deleting the rows
        no longer listed and adding the new ones; True when anything changed."""
        current = {key(row): row for row in rows}
        wanted = {(h.weekday, h.starts, h.ends) for h in hours}
        if set(current) == wanted:
            return False
        for interval, row in current.items():
            if interval not in wanted:
                rows.remove(row)
                self.session.delete(row)
        for weekday, starts, ends in sorted(wanted - set(current)):
            rows.append(make(weekday, starts, ends))
        return True


#: The columns the region file sets (export writes them back; ``id`` is the key).
AGENCY_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "sms_name_fi",
    "sms_name_sv",
    "sms_name_en",
    "meeting_link_template",
)
#: The columns the region file sets (export writes them back; ``id`` is the key).
SERVICE_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "duration_minutes",
    "buffer_minutes",
    "grid_minutes",
    "min_notice_minutes",
    "horizon_days",
    "photo_id_required",
)
#: The columns the region file sets (export writes them back; ``id`` is the key).
POINT_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "street_address",
    "postal_code",
    "post_office",
    "phone",
    "timezone",
)


def _coordinates(location: Location | None) -> dict[str, float | None]:
    return {
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
    }


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
