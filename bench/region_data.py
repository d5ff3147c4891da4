"""A region-scale data set for benchmarks: 15 points, 60 experts, many appointments.

Deterministic (seeded).  Appointments never overlap on a room or an expert
(set-up buffer included), as the database demands; they are written with Core
``executemany`` in large batches.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from booking.data.calendar_revision import bump_calendar_revision
from booking.data.enums import AppointmentStatus
from booking.data.models import (
    Agency,
    Appointment,
    Expert,
    ExpertHours,
    ExpertService,
    Municipality,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
)
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.engine.clock import HELSINKI
from booking.region.loader import load_region
from booking.region.reader import read_region_file
from booking.region.schema import Region
from config.settings import REGION_FILE

POINTS = [
    ("jyvaskyla-saynatsalo", "jyvaskyla", 3),
    ("jyvaskyla-korpilahti", "jyvaskyla", 3),
    ("keuruu", "keuruu", 3),
    ("petajavesi", "petajavesi", 2),
    ("joutsa", "joutsa", 2),
    ("karstula", "karstula", 3),
    ("hankasalmi", "hankasalmi", 2),
    ("kannonkoski", "kannonkoski", 2),
    ("kinnula", "kinnula", 2),
    ("kivijarvi", "kivijarvi", 2),
    ("kyyjarvi", "kyyjarvi", 2),
    ("konnevesi", "konnevesi", 2),
    ("luhanka", "luhanka", 2),
    ("multia", "multia", 2),
    ("pihtipudas", "pihtipudas", 3),
]
#: agency → its two services with durations (minutes)
AGENCIES = {
    "kela": [("kela-benefits", 30), ("kela-pension", 45)],
    "vero": [("vero-tax", 30), ("vero-inheritance", 45)],
    "poliisi": [("poliisi-permits", 30), ("poliisi-licences", 30)],
    "dvv": [("dvv-guardianship", 45), ("dvv-estates", 45)],
    "oikeusapu": [("oikeusapu-advice", 60), ("oikeusapu-family", 60)],
    "tyollisyys": [("tyollisyys-jobseeker", 45), ("tyollisyys-training", 45)],
}
EXPERTS_PER_AGENCY = 10
BUFFER_MINUTES = 15
FULL_WEEK = {d: [(time(9), time(11, 30)), (time(12), time(15, 30))] for d in range(5)}
SMALL_WEEK = {d: [(time(9), time(11, 30)), (time(12), time(15, 30))] for d in (1, 2, 3)}


def shipped_region_database(prefix: str) -> tuple[str, Region]:
    """A fresh SQLite file in a new temporary folder with the shipped region file
    loaded: its URL, and the region as read."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{folder / 'region.sqlite3'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    region = read_region_file(REGION_FILE)
    with make_session_factory(engine)() as session:
        load_region(session, region)
        session.commit()
    engine.dispose()
    return url, region


def build_region(
    engine: Engine,
    seed: int = 7,
    *,
    points: list[tuple[str, str, int]] = POINTS,
    experts_per_agency: int = EXPERTS_PER_AGENCY,
) -> dict:
    """Points (id, municipality, rooms), rooms, agencies, services, offerings and experts
    (who do all their agency's services, at every point); returns ids for the rest."""
    rng = random.Random(seed)
    sessions = make_session_factory(engine)
    with sessions() as session:
        for _point_id, municipality, _rooms in points:
            if session.get(Municipality, municipality) is None:
                session.add(
                    Municipality(id=municipality, name_fi=municipality, name_sv=municipality)
                )
                session.flush()
        services: dict[str, tuple[str, int]] = {}
        for agency_id, agency_services in AGENCIES.items():
            session.add(
                Agency(
                    id=agency_id,
                    name_fi=agency_id,
                    name_sv=agency_id,
                    name_en=agency_id,
                    sms_name_fi=agency_id,
                    sms_name_sv=agency_id,
                    sms_name_en=agency_id,
                    meeting_link_template="https://video.invalid/{reference}",
                )
            )
            for service_id, minutes in agency_services:
                services[service_id] = (agency_id, minutes)
                session.add(
                    Service(
                        id=service_id,
                        agency_id=agency_id,
                        name_fi=service_id,
                        name_sv=service_id,
                        name_en=service_id,
                        duration_minutes=minutes,
                        buffer_minutes=BUFFER_MINUTES,
                        grid_minutes=15,
                        min_notice_minutes=120,
                        horizon_days=90,
                    )
                )
        session.flush()
        rooms: dict[str, list[int]] = {}
        hours: dict[str, dict] = {}
        offered: dict[str, list[str]] = {}
        for index, (point_id, municipality, room_count) in enumerate(points):
            week = FULL_WEEK if room_count == 3 or index % 2 == 0 else SMALL_WEEK
            hours[point_id] = week
            point = ServicePoint(
                id=point_id,
                municipality_id=municipality,
                name_fi=point_id,
                name_sv=point_id,
                name_en=point_id,
                street_address="Kirkkotie 1",
                postal_code="40100",
                post_office="JYVÄSKYLÄ",
            )
            session.add(point)
            for weekday, spans in week.items():
                for opens, closes in spans:
                    session.add(
                        OpeningHours(point=point, weekday=weekday, opens=opens, closes=closes)
                    )
            point_rooms = [
                Room(point=point, key=f"room-{n}", name=f"Room {n}") for n in range(room_count)
            ]
            session.add_all(point_rooms)
            offered[point_id] = sorted(rng.sample(sorted(services), 8))
            if point_id == points[0][0] and "kela-benefits" not in offered[point_id]:
                offered[point_id][0] = "kela-benefits"
            for service_id in offered[point_id]:
                session.add(Offering(point=point, service_id=service_id))
            session.flush()
            rooms[point_id] = [room.id for room in point_rooms]
        experts: dict[str, list[int]] = defaultdict(list)
        for agency_id, agency_services in AGENCIES.items():
            for number in range(experts_per_agency):
                expert = Expert(
                    key=f"{agency_id}-{number}", agency_id=agency_id, name=f"Expert {number}"
                )
                session.add(expert)
                session.flush()
                experts[agency_id].append(expert.id)
                for service_id, _minutes in agency_services:
                    session.add(ExpertService(expert_id=expert.id, service_id=service_id))
                for weekday in range(5):
                    session.add(
                        ExpertHours(
                            expert_id=expert.id, weekday=weekday, starts=time(8), ends=time(16)
                        )
                    )
        session.commit()
    return {
        "rooms": rooms,
        "hours": hours,
        "offered": offered,
        "services": services,
        "experts": experts,
    }


def add_appointments(
    engine: Engine, region: dict, *, first_day: date, count: int, past: bool, seed: int = 11
) -> int:
    """Fill days from ``first_day`` until ``count`` appointments exist: forwards for the
    future, backwards for the past.

    About 70 % of the room time is taken; past appointments are done, no-shows or
    cancelled, future ones booked (a few cancelled)."""
    rng = random.Random(seed)
    rows: list[dict] = []
    expert_busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
    stamp = datetime.now(UTC)
    day = first_day
    number = 0
    prefix = "P" if past else "F"
    with engine.begin() as connection:
        while number < count:
            if day.weekday() < 5:
                for point_id, week in region["hours"].items():
                    for opens, closes in week.get(day.weekday(), ()):
                        for room_id in region["rooms"][point_id]:
                            number = _fill_room(
                                rows,
                                rng,
                                region,
                                expert_busy,
                                point_id,
                                room_id,
                                day,
                                opens,
                                closes,
                                past,
                                stamp,
                                prefix,
                                number,
                                count,
                            )
                            if len(rows) >= 20_000:
                                connection.execute(insert(Appointment), rows)
                                rows.clear()
            day += timedelta(days=-1 if past else 1)
        if rows:
            connection.execute(insert(Appointment), rows)
    sessions = make_session_factory(engine)
    with sessions() as session:
        bump_calendar_revision(session)
        session.commit()
    return number


def _fill_room(
    rows,
    rng,
    region,
    expert_busy,
    point_id,
    room_id,
    day,
    opens,
    closes,
    past,
    stamp,
    prefix,
    number,
    count,
):
    cursor = datetime.combine(day, opens, tzinfo=HELSINKI).astimezone(UTC)
    closing = datetime.combine(day, closes, tzinfo=HELSINKI).astimezone(UTC)
    offered = region["offered"][point_id]
    while number < count:
        service_id = rng.choice(offered)
        agency_id, minutes = region["services"][service_id]
        ends_at = cursor + timedelta(minutes=minutes)
        blocked_until = ends_at + timedelta(minutes=BUFFER_MINUTES)
        if ends_at > closing:
            return number
        if rng.random() > 0.7:
            cursor += timedelta(minutes=15)
            continue
        expert_id = _free_expert(
            region["experts"][agency_id], expert_busy, day, cursor, blocked_until, rng
        )
        if expert_id is None:
            cursor += timedelta(minutes=15)
            continue
        expert_busy[(expert_id, day)].append((cursor, blocked_until))
        number += 1
        status = _status(rng, past)
        rows.append(
            {
                "reference": f"{prefix}{number:09d}",
                "ical_uid": f"{prefix}{number}@bench.invalid",
                "status": status,
                "point_id": point_id,
                "service_id": service_id,
                "room_id": room_id,
                "expert_id": expert_id,
                "starts_at": cursor,
                "ends_at": ends_at,
                "blocked_until": blocked_until,
                "phone": f"+35840{number % 10_000_000:07d}",
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        cursor = blocked_until
    return number


def _free_expert(candidates, expert_busy, day, start, end, rng):
    """One of ``candidates`` free from ``start`` to ``end``, at random: a few random picks
    first (enough nearly always), then each in a random order (a national agency's
    333 shuffled for every appointment made the build four times slower)."""

    def free(expert_id) -> bool:
        return all(end <= s or e <= start for s, e in expert_busy[(expert_id, day)])

    for _ in range(4):
        expert_id = rng.choice(candidates)
        if free(expert_id):
            return expert_id
    return next((e for e in rng.sample(candidates, len(candidates)) if free(e)), None)


def _status(rng, past: bool) -> AppointmentStatus:
    roll = rng.random()
    if past:
        if roll < 0.85:
            return AppointmentStatus.DONE
        return AppointmentStatus.NO_SHOW if roll < 0.92 else AppointmentStatus.CANCELLED
    return AppointmentStatus.BOOKED if roll < 0.95 else AppointmentStatus.CANCELLED
