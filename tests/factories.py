"""Factories for test data: small, explicit calendars with sensible defaults.

Each method adds its object, commits, and returns it, so that both a test's own
session and the app under test see it.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from booking.data.enums import AppointmentStatus
from booking.data.models import (
    Agency,
    Appointment,
    Closure,
    Expert,
    ExpertHours,
    Municipality,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
)

#: A Monday morning in winter (UTC+2): 2026-03-02 10:00 Helsinki.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WEEKDAYS = range(5)


class Factory:
    def __init__(self, session: Session):
        self.session = session
        self._numbers = itertools.count(1)

    def _save(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def municipality(self, id: str = "testila", **fields) -> Municipality:
        existing = self.session.get(Municipality, id)
        if existing is not None:
            return existing
        fields.setdefault("name_fi", id.capitalize())
        fields.setdefault("name_sv", id.capitalize())
        return self._save(Municipality(id=id, **fields))

    def point(
        self,
        id: str = "testila",
        *,
        rooms: int = 1,
        hours: dict[int, list[tuple[time, time]]] | None = None,
        municipality: str = "testila",
        **fields,
    ) -> ServicePoint:
        """A point open Mon–Fri 9–15 (or ``hours``), with ``rooms`` video rooms."""
        self.municipality(municipality)
        name = fields.pop("name", id.capitalize())
        point = ServicePoint(
            id=id,
            municipality_id=municipality,
            name_fi=fields.pop("name_fi", f"{name} yhteispalvelupiste"),
            name_sv=fields.pop("name_sv", f"{name} samservicepunkt"),
            name_en=fields.pop("name_en", f"{name} service point"),
            street_address=fields.pop("street_address", "Kirkkotie 1"),
            postal_code=fields.pop("postal_code", "40100"),
            post_office=fields.pop("post_office", name.upper()),
            **fields,
        )
        self.session.add(point)
        hours = hours if hours is not None else {day: [(time(9), time(15))] for day in WEEKDAYS}
        for weekday, spans in hours.items():
            for opens, closes in spans:
                self.session.add(
                    OpeningHours(point=point, weekday=weekday, opens=opens, closes=closes)
                )
        for number in range(1, rooms + 1):
            self.session.add(Room(point=point, key=f"room-{number}", name=f"Etähuone {number}"))
        return self._save(point)

    def agency(self, id: str = "kela", **fields) -> Agency:
        existing = self.session.get(Agency, id)
        if existing is not None:
            return existing
        name = fields.pop("name", id.capitalize())
        return self._save(
            Agency(
                id=id,
                name_fi=fields.pop("name_fi", name),
                name_sv=fields.pop("name_sv", name),
                name_en=fields.pop("name_en", name),
                sms_name_fi=fields.pop("sms_name_fi", name),
                sms_name_sv=fields.pop("sms_name_sv", name),
                sms_name_en=fields.pop("sms_name_en", name),
                meeting_link_template=fields.pop(
                    "meeting_link_template", f"https://video.{id}.invalid/{{reference}}"
                ),
                **fields,
            )
        )

    def service(
        self,
        id: str = "kela-benefits",
        *,
        agency: str = "kela",
        points: tuple[str, ...] = ("testila",),
        **fields,
    ) -> Service:
        """A 30-minute service, 15-minute buffer, 15-minute grid, offered at ``points``."""
        self.agency(agency)
        name = fields.pop("name", id)
        fields.setdefault("duration_minutes", 30)
        fields.setdefault("buffer_minutes", 15)
        fields.setdefault("grid_minutes", 15)
        fields.setdefault("min_notice_minutes", 60)
        fields.setdefault("horizon_days", 60)
        fields.setdefault("photo_id_required", True)
        service = Service(
            id=id,
            agency_id=agency,
            name_fi=fields.pop("name_fi", name),
            name_sv=fields.pop("name_sv", name),
            name_en=fields.pop("name_en", name),
            **fields,
        )
        self.session.add(service)
        for point_id in points:
            self.session.add(Offering(point_id=point_id, service=service))
        return self._save(service)

    def offer(self, point_id: str, service_id: str) -> Offering:
        return self._save(Offering(point_id=point_id, service_id=service_id))

    def expert(
        self,
        key: str | None = None,
        *,
        agency: str = "kela",
        services: tuple[str, ...] = ("kela-benefits",),
        hours: dict[int, list[tuple[time, time]]] | None = None,
        **fields,
    ) -> Expert:
        """An expert working Mon–Fri 8–16 Helsinki time (or ``hours``)."""
        self.agency(agency)
        key = key or f"expert-{next(self._numbers)}"
        expert = Expert(
            key=key,
            agency_id=agency,
            name=fields.pop("name", f"Asiantuntija {key}"),
            email=fields.pop("email", f"{key}@agency.invalid"),
            **fields,
        )
        expert.services = [self.session.get(Service, service_id) for service_id in services]
        self.session.add(expert)
        hours = hours if hours is not None else {day: [(time(8), time(16))] for day in WEEKDAYS}
        for weekday, spans in hours.items():
            for starts, ends in spans:
                self.session.add(
                    ExpertHours(expert=expert, weekday=weekday, starts=starts, ends=ends)
                )
        return self._save(expert)

    def closure(self, point_id: str, closed_on, starts=None, ends=None, reason="") -> Closure:
        return self._save(
            Closure(point_id=point_id, closed_on=closed_on, starts=starts, ends=ends, reason=reason)
        )

    def region(self) -> dict[str, object]:
        """One point, one room, Kela's 30-minute service and one expert: the usual small world."""
        point = self.point()
        service = self.service()
        expert = self.expert("kela-anna")
        return {"point": point, "service": service, "expert": expert, "room": point.rooms[0]}

    def appointment(
        self,
        *,
        point: ServicePoint,
        service: Service,
        starts_at: datetime,
        room: Room | None = None,
        expert: Expert | None = None,
        status: AppointmentStatus = AppointmentStatus.BOOKED,
        now: datetime = NOW,
        **fields,
    ) -> Appointment:
        """An appointment written directly (the booking use case has its own tests)."""
        room = room or point.rooms[0]
        expert = expert or next(e for e in service.agency.experts if service in e.services)
        ends_at = starts_at + timedelta(minutes=service.duration_minutes)
        number = next(self._numbers)
        fields.setdefault("name", "Maija Meikäläinen")
        fields.setdefault("phone", f"+35840{number:07d}")
        if status == AppointmentStatus.HELD:
            fields.setdefault("expires_at", now + timedelta(minutes=10))
        appointment = Appointment(
            reference=fields.pop("reference", secrets.token_hex(3).upper()),
            ical_uid=fields.pop("ical_uid", f"{secrets.token_hex(8)}@etavaraus.test"),
            point=point,
            service=service,
            room=room,
            expert=expert,
            status=status,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=ends_at + timedelta(minutes=service.buffer_minutes),
            created_at=now,
            updated_at=now,
            **fields,
        )
        return self._save(appointment)
