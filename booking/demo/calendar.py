"""Demo data for ``booking setup --demo``: staff accounts and a lived-in calendar.

Adds three staff accounts (an advisor at Korpilahti and Keuruu, a Kela expert,
an administrator) and appointments over the past and the coming two weeks at
every point, with the statuses a real fortnight has: done (with the call's
times), no-show, cancelled, a technical failure now and then, in call, arrived,
booked.  Citizens are fictional; phone numbers are in the unused
``+358 40 0000xxx`` / ``+358 50 0000xxx`` ranges and e-mail addresses end in
``.example``.

Idempotent: demo appointments carry a calendar UID ending in
``@demo.etavaraus``, and a (point, day) that already has demo appointments is
left alone, so a second run adds only the days that came into the window since.
Free times come from the slot engine (``booking.calendars``), so demo
appointments never overlap each other or real ones.  Flushes; the caller commits.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.enums import BookingChannel
from booking.data.models import Appointment, Offering, OpeningHours, Room, Service, ServicePoint
from booking.demo.people import demo_citizen
from booking.engine.clock import HELSINKI, require_aware
from booking.staff.accounts import add_staff_user

DEMO_UID_SUFFIX = "@demo.etavaraus"
DEMO_DAYS = 14
#: Demo appointments were booked 1 to this many days ahead.
MAX_DAYS_AHEAD = 6


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    scope: str


#: The demo staff: role, e-mail, password, display name, what the account covers.
DEMO_STAFF = (
    DemoLogin(
        "advisor",
        "neuvoja@demo.etavaraus.example",
        "neuvoja-demo-2026",
        "jyvaskyla-korpilahti, keuruu",
    ),
    DemoLogin(
        "expert",
        "asiantuntija@demo.etavaraus.example",
        "asiantuntija-demo-2026",
        "kela-aino-laaksonen",
    ),
    DemoLogin("admin", "yllapito@demo.etavaraus.example", "yllapito-demo-2026", "the whole region"),
)
_DISPLAY_NAMES = {
    "advisor": "Paula Palveluneuvoja",
    "expert": "Aino Laaksonen",
    "admin": "Ylläpito",
}


@dataclass(frozen=True)
class DemoSummary:
    logins: tuple[DemoLogin, ...]
    appointments_added: int
    first_day: date
    last_day: date

    def __str__(self) -> str:
        lines = ["Demo staff accounts:"]
        lines += [
            f"  {login.role:<8} {login.email:<38} password {login.password:<24} ({login.scope})"
            for login in self.logins
        ]
        lines.append(
            f"Demo appointments: {self.appointments_added} added "
            f"({self.first_day.isoformat()} – {self.last_day.isoformat()})."
        )
        return "\n".join(lines)


def add_demo_data(session: Session, now: datetime, *, days: int = DEMO_DAYS) -> DemoSummary:
    """Add the demo staff and appointments ``days`` back and ahead of ``now``.

    Needs the region loaded first.  Flushes, never commits."""
    now = require_aware(now)
    advisor_id = _add_staff(session)
    today = now.astimezone(HELSINKI).date()
    first_day, last_day = today - timedelta(days=days), today + timedelta(days=days)
    added = _add_appointments(session, now, first_day, last_day, advisor_id)
    session.flush()
    return DemoSummary(DEMO_STAFF, added, first_day, last_day)


def _add_staff(session: Session) -> int:
    advisor, expert, admin = DEMO_STAFF
    account = add_staff_user(
        session,
        role=advisor.role,
        email=advisor.email,
        password=advisor.password,
        point_ids=advisor.scope.split(", "),
        display_name=_DISPLAY_NAMES["advisor"],
    )
    add_staff_user(
        session,
        role=expert.role,
        email=expert.email,
        password=expert.password,
        expert_key=expert.scope,
        display_name=_DISPLAY_NAMES["expert"],
    )
    add_staff_user(
        session,
        role=admin.role,
        email=admin.email,
        password=admin.password,
        display_name=_DISPLAY_NAMES["admin"],
    )
    return account.id


def _add_appointments(
    session: Session, now: datetime, first_day: date, last_day: date, advisor_id: int
) -> int:
    done = _days_with_demo_appointments(session, first_day, last_day)
    services = {service.id: service for service in session.scalars(select(Service))}
    added = 0
    for point_id, offered, open_days, rooms in _points(session):
        day = first_day
        while day <= last_day:
            if day.weekday() in open_days and (point_id, day) not in done:
                rng = random.Random(f"{point_id}/{day.isoformat()}")
                wanted = rooms * rng.randint(2, 4)
                advisor = advisor_id if point_id in DEMO_STAFF[0].scope.split(", ") else None
                added += _fill_day(
                    session, rng, point_id, day, wanted, offered, services, now, advisor
                )
            day += timedelta(days=1)
    return added


def _fill_day(session, rng, point_id, day, wanted, offered, services, now, advisor_id) -> int:
    """Book up to ``wanted`` demo appointments at free times of ``point_id`` on ``day``,
    each through the booking use case at the moment it was booked, then take it
    through what happened to it by ``now``."""
    from booking.appointments.lifecycle import BookingError, BookingRequest, book_appointment
    from booking.data.availability import free_times

    earliest_booking = min(now, _local_midnight(day) - timedelta(days=MAX_DAYS_AHEAD))
    free: dict[str, list[datetime]] = {}
    added = 0
    for _ in range(wanted):
        service = services[rng.choice(offered)]
        if service.id not in free:
            free[service.id] = free_times(session, point_id, service.id, day, day, earliest_booking)
        if not free[service.id]:
            continue
        start = free[service.id].pop(rng.randrange(len(free[service.id])))
        booked_at = min(now, _local_midnight(day) - timedelta(days=rng.randint(1, MAX_DAYS_AHEAD)))
        at_desk = advisor_id is not None and rng.random() < 0.4
        request = BookingRequest(
            point_id=point_id,
            service_id=service.id,
            starts_at=start,
            channel=BookingChannel.DESK if at_desk else BookingChannel.ONLINE,
            booked_by_user_id=advisor_id if at_desk else None,
            **demo_citizen(rng, service.agency_id),
        )
        try:
            result = book_appointment(
                session,
                request,
                now=booked_at,
                max_active_per_agency=1_000_000,
            )
        except BookingError:  # taken by an earlier demo booking, or too soon
            continue
        appointment = result.appointment
        appointment.ical_uid = f"{uuid.uuid4()}{DEMO_UID_SUFFIX}"
        _live_through(session, rng, appointment, advisor_id, now)
        added += 1
    return added


def _points(session: Session):
    """Active points with their offered active services, open weekdays and room count."""
    offered: dict[str, list[str]] = defaultdict(list)
    for point_id, service_id in session.execute(
        select(Offering.point_id, Offering.service_id)
        .join(Service, Service.id == Offering.service_id)
        .where(Service.active)
        .order_by(Offering.point_id, Offering.service_id)
    ):
        offered[point_id].append(service_id)
    open_days: dict[str, set[int]] = defaultdict(set)
    for point_id, weekday in session.execute(select(OpeningHours.point_id, OpeningHours.weekday)):
        open_days[point_id].add(weekday)
    rooms: dict[str, int] = defaultdict(int)
    for (point_id,) in session.execute(select(Room.point_id).where(Room.active)):
        rooms[point_id] += 1
    for point_id in session.scalars(
        select(ServicePoint.id).where(ServicePoint.active).order_by(ServicePoint.id)
    ):
        if offered[point_id] and rooms[point_id]:
            yield point_id, offered[point_id], open_days[point_id], rooms[point_id]


def _days_with_demo_appointments(session: Session, first_day: date, last_day: date):
    rows = session.execute(
        select(Appointment.point_id, Appointment.starts_at).where(
            Appointment.ical_uid.like(f"%{DEMO_UID_SUFFIX}"),
            Appointment.starts_at >= _local_midnight(first_day),
            Appointment.starts_at < _local_midnight(last_day + timedelta(days=1)),
        )
    )
    return {(point_id, starts_at.astimezone(HELSINKI).date()) for point_id, starts_at in rows}


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=HELSINKI)


CANCEL_REASONS = ("Este", "Asia hoitui muuten", "Sairastuminen", "")
#: Share of SMS that the gateway reports undeliverable, so advisors see a bounce or two.
SMS_FAILURE_RATE = 0.04


def _live_through(session, rng, appointment, advisor_id, now) -> None:
    """What happened to ``appointment`` until ``now``: cancelled, or a no-show, or
    checked in and called (now and then a technical failure); and the messages due
    by then sent (a few SMS undeliverable).  The expert's steps are taken without
    a user, with an administrator's rights."""
    from booking.appointments.attendance import end_call, mark_failure, start_call
    from booking.appointments.lifecycle import cancel_appointment, check_in, mark_no_show
    from booking.data.enums import FailureReason

    starts_at, ends_at = appointment.starts_at, appointment.ends_at
    roll = rng.random()
    if roll < 0.07:
        cancelled_at = appointment.created_at + (min(now, starts_at) - appointment.created_at) / 2
        _settle_messages(session, rng, appointment, cancelled_at)
        cancel_appointment(
            session, appointment, now=cancelled_at, reason=rng.choice(CANCEL_REASONS)
        )
    elif starts_at <= now:
        _settle_messages(session, rng, appointment, starts_at)
        if ends_at <= now and roll < 0.17:
            mark_no_show(session, appointment, now=ends_at, by_user_id=advisor_id)
        else:
            arrived_at = starts_at - timedelta(minutes=rng.randint(2, 12))
            check_in(session, appointment, now=arrived_at, by_user_id=advisor_id)
            called_at = starts_at + timedelta(minutes=rng.randint(0, 6))
            if called_at <= now:
                start_call(session, appointment, now=called_at, by_user_id=None)
            hung_up_at = ends_at - timedelta(minutes=rng.randint(0, 8))
            if hung_up_at <= now and roll > 0.98:
                reason = rng.choice(list(FailureReason))
                mark_failure(session, appointment, now=hung_up_at, by_user_id=None, reason=reason)
            elif hung_up_at <= now:
                end_call(session, appointment, now=hung_up_at, by_user_id=None)
    _settle_messages(session, rng, appointment, now)
    session.flush()


def _settle_messages(session, rng, appointment, until: datetime) -> None:
    """Mark the appointment's messages due by ``until`` as a console sender would have."""
    from booking.data.enums import MessageChannel, MessageStatus
    from booking.data.models import OutboxMessage

    due = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.appointment_id == appointment.id,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.due_at <= until,
        )
    )
    for message in due:
        message.attempts = 1
        message.sent_at = message.due_at
        if message.channel != MessageChannel.SMS:
            message.status = MessageStatus.SENT
        elif rng.random() < SMS_FAILURE_RATE:
            message.status = MessageStatus.FAILED
            message.delivery_status = "undelivered"
            message.last_error = "30003: Unreachable destination handset"
        else:
            message.status = MessageStatus.DELIVERED
            message.delivery_status = "delivered"
