"""What a change of the region's calendar does to booked appointments, and doing it.

Call :func:`settle_consequences` after flushing the change (a closure, an
absence, a room or an expert made inactive, shorter hours, an offering
removed …), in the same transaction.  Every coming appointment the change made
impossible (:mod:`booking.region.validity`) gets a fate:

- **kept**: another free room of its point, or another free expert of the
  agency who does the service, takes it at the very same time — the slot engine
  chooses (fairest first) and the database's no-overlap guard has the last
  word.  The citizen's time and place stay, so she hears nothing, unless the
  room's name changes (then the "moved" message tells her the room; not when
  she has arrived: the desk shows her the room);
- **cancelled**: the citizen is told by SMS and e-mail (with the invite's
  CANCEL) in her language, why, and where to book a new time;
- **to call**: cancelled, but booked at the desk without a mobile number, so it
  goes on the point's list of citizens the desk phones;
- **needs attention**: the citizen has already checked in (arrived) and no other
  room or expert is free at her time.  She is at the point, so nothing is
  cancelled and no SMS is sent: the appointment stays as it is and goes on the
  desk's list of arrivals to talk to (the desk tells her, and cancels or books
  a new time with her).  Once on that list it is not listed again.

Everything — the change, the appointments, the outbox rows, the audit entries
and the calendar revision — is in the caller's transaction: it commits all or
nothing.  To show the consequences before confirming, run it and roll back.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.appointments.errors import InvalidTransition
from booking.appointments.guard import is_overlap, lock_calendar
from booking.appointments.lifecycle import cancel_appointment
from booking.data.availability import availability_inputs
from booking.data.enums import AppointmentStatus, BookingChannel, MessageKind
from booking.data.models import Appointment
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import FinnishCalendar
from booking.engine.slots import Resource, free_resources
from booking.messages.outbox import queue_appointment_messages
from booking.messages.sms_numbers import sms_capable
from booking.region.validity import EVERYTHING, Problem, Scope, impossible_appointments
from booking.staff.audit import AuditAction, record, record_change

#: Room and expert pairs tried when the database guard refuses one (a booking racing us).
REHOUSE_ATTEMPTS = 5


class Outcome(enum.StrEnum):
    KEPT = "kept"
    CANCELLED = "cancelled"
    TO_CALL = "to_call"
    #: Arrived: not cancelled, on the desk's list of arrivals to talk to.
    ATTENTION = "attention"


@dataclass(frozen=True)
class Fate:
    """What became of one appointment, as an administrator's page or the command shows it."""

    appointment_id: int
    reference: str
    point_id: str
    service_id: str
    starts_at: datetime
    language: str
    problems: tuple[Problem, ...]
    outcome: Outcome
    room_before: str
    room_after: str
    expert_before: str
    expert_after: str
    citizen_told: bool

    @property
    def cause(self) -> Problem:
        return self.problems[0]

    def describe(self) -> str:
        """One line in English for the command line and the audit log."""
        why = ", ".join(p.value for p in self.problems)
        head = f"{self.reference} {self.starts_at:%Y-%m-%d %H:%M} UTC {self.point_id}"
        if self.outcome is Outcome.KEPT:
            moves = []
            if self.room_after != self.room_before:
                moves.append(f"room {self.room_before} -> {self.room_after}")
            if self.expert_after != self.expert_before:
                moves.append(f"expert {self.expert_before} -> {self.expert_after}")
            told = "; citizen told of the room" if self.citizen_told else ""
            return f"{head} ({why}): kept, {', '.join(moves)}{told}"
        if self.outcome is Outcome.ATTENTION:
            return f"{head} ({why}): arrived, not cancelled; on the desk's list to talk to"
        told = "citizen told" if self.citizen_told else "nobody to tell"
        verb = (
            "cancelled, on the desk's list to call"
            if self.outcome is Outcome.TO_CALL
            else (f"cancelled, {told}")
        )
        return f"{head} ({why}): {verb}"


def settle_consequences(
    session: Session,
    *,
    now: datetime,
    scope: Scope = EVERYTHING,
    by_user_id: int | None = None,
    reason: str = "",
    calendar: FinnishCalendar | None = None,
) -> list[Fate]:
    """Give every coming appointment the flushed change made impossible its fate, in
    start order; flushes, never commits.  ``reason`` is kept with a cancellation for
    staff (the citizen's message says why in her language)."""
    session.flush()
    lock_calendar(session)  # nobody books the rooms and experts we are about to pick
    calendar = calendar or region_calendar(session)
    fates = []
    for appointment, problems in impossible_appointments(
        session, now=now, scope=scope, calendar=calendar
    ):
        before = (appointment.room.name, appointment.expert.name)
        fate = None
        if not any(problem.final for problem in problems):
            fate = _keep(session, appointment, problems, before, now, by_user_id, calendar)
        if fate is None and appointment.status is AppointmentStatus.ARRIVED:
            fate = _needs_attention(session, appointment, problems, before, now, by_user_id)
        if fate is None:
            fate = _cancel(session, appointment, problems, before, now, by_user_id, reason)
        fates.append(fate)
    return fates


def citizens_to_call(session: Session, point_id: str) -> list[Appointment]:
    """The point's appointments a calendar change cancelled whose citizens the desk
    phones (booked at the desk, no mobile number), earliest first."""
    return _flagged(session, point_id, AppointmentStatus.CANCELLED)


def arrivals_needing_attention(session: Session, point_id: str) -> list[Appointment]:
    """The point's arrived citizens whose call a calendar change made impossible, with
    nobody free to take it: the desk talks to each, earliest first."""
    return _flagged(session, point_id, AppointmentStatus.ARRIVED)


def _flagged(session: Session, point_id: str, status: AppointmentStatus) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.point_id == point_id, Appointment.to_call, Appointment.status == status
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def mark_called(
    session: Session, appointment: Appointment, *, now: datetime, by_user_id: int
) -> Appointment:
    """The desk has phoned the citizen (or talked to her, arrived): off the list.
    Flushes, never commits."""
    if not appointment.to_call:
        raise InvalidTransition()
    appointment.to_call = False
    appointment.updated_at = now
    record_change(session, appointment, by_user_id, AuditAction.CALLED, now)
    session.flush()
    return appointment


def _keep(
    session: Session,
    appointment: Appointment,
    problems: tuple[Problem, ...],
    before: tuple[str, str],
    now: datetime,
    by_user_id: int | None,
    calendar: FinnishCalendar,
) -> Fate | None:
    """Another room and/or expert at the same time, or None when none is free."""
    rooms, experts = _candidates(session, appointment, problems, calendar)
    pairs = [(room, expert) for room in rooms for expert in experts][:REHOUSE_ATTEMPTS]
    old_room_id, old_expert_id = appointment.room_id, appointment.expert_id
    for room_id, expert_id in pairs:
        try:
            with session.begin_nested():
                appointment.room_id, appointment.expert_id = room_id, expert_id
                session.flush()
        except IntegrityError as error:
            if not is_overlap(error):
                raise
            session.refresh(appointment)
            continue
        break
    else:
        appointment.room_id, appointment.expert_id = old_room_id, old_expert_id
        return None
    session.expire(appointment, ["room", "expert"])
    room, expert = appointment.room, appointment.expert
    appointment.updated_at = now
    # Her time and place stay; only a room under another name is news to her — unless
    # she has arrived: then she is at the desk, which shows her the room (an SMS that
    # her appointment "has moved" would only alarm her).
    tell = (
        room.id != old_room_id
        and room.name != before[0]
        and appointment.status is not AppointmentStatus.ARRIVED
    )
    if tell:
        appointment.revision += 1
        session.flush()
        queue_appointment_messages(session, appointment, MessageKind.MOVED, now=now)
    fate = _fate(appointment, problems, Outcome.KEPT, before, (room.name, expert.name), tell)
    return _audited(session, fate, appointment, AuditAction.REHOUSE, now, by_user_id)


def _candidates(
    session: Session,
    appointment: Appointment,
    problems: tuple[Problem, ...],
    calendar: FinnishCalendar,
) -> tuple[list[int], list[int]]:
    """The rooms and experts that could hold the appointment as it is, fairest first:
    its own room or expert where that one is not the problem."""
    tz_day = appointment.starts_at.astimezone(ZoneInfo(appointment.point.timezone)).date()
    hold = (
        appointment.room_id,
        appointment.expert_id,
        math.floor(appointment.starts_at.timestamp()),
        math.floor(appointment.blocked_until.timestamp()),
    )
    inputs = availability_inputs(
        session,
        appointment.point_id,
        appointment.service_id,
        tz_day,
        tz_day,
        calendar,
        ignoring=hold,
    )
    # The call as booked, even if the service's length has changed since.
    rules = replace(
        inputs.rules,
        duration=appointment.ends_at - appointment.starts_at,
        buffer=appointment.blocked_until - appointment.ends_at,
    )

    def choose(resources: list[Resource], current: int, replace_it: bool) -> list[int]:
        free = [r.id for r in free_resources(appointment.starts_at, resources, rules)]
        if replace_it:
            return [r for r in free if r != current]
        return [current] if current in free else []

    rooms = choose(
        inputs.rooms,
        appointment.room_id,
        any(problem.needs_another_room for problem in problems),
    )
    experts = choose(
        inputs.experts,
        appointment.expert_id,
        any(problem.needs_another_expert for problem in problems),
    )
    return rooms, experts


def _cancel(
    session: Session,
    appointment: Appointment,
    problems: tuple[Problem, ...],
    before: tuple[str, str],
    now: datetime,
    by_user_id: int | None,
    reason: str,
) -> Fate:
    mobile = sms_capable(appointment.phone)
    # The reason is for staff; markup characters, which the cancellation refuses, go.
    reason = reason.replace("<", "").replace(">", "")
    cancel_appointment(session, appointment, now=now, reason=reason, by_user_id=by_user_id)
    appointment.cancel_cause = problems[0].value
    outcome = Outcome.CANCELLED
    if appointment.channel == BookingChannel.DESK and not mobile:
        appointment.to_call = True
        outcome = Outcome.TO_CALL
    told = mobile or bool(appointment.email)
    fate = _fate(appointment, problems, outcome, before, before, told)
    if by_user_id is not None:  # cancel_appointment recorded it under her name
        session.flush()
        return fate
    return _audited(session, fate, appointment, AuditAction.CANCEL, now, None)


def _needs_attention(
    session: Session,
    appointment: Appointment,
    problems: tuple[Problem, ...],
    before: tuple[str, str],
    now: datetime,
    by_user_id: int | None,
) -> Fate:
    """Leave the arrived appointment as it is, on the desk's list; tell her nothing by
    SMS (she is at the point: the desk tells her)."""
    appointment.to_call = True
    appointment.cancel_cause = problems[0].value
    appointment.updated_at = now
    fate = _fate(appointment, problems, Outcome.ATTENTION, before, before, False)
    return _audited(session, fate, appointment, AuditAction.NEEDS_ATTENTION, now, by_user_id)


def _audited(
    session: Session,
    fate: Fate,
    appointment: Appointment,
    action: AuditAction,
    now: datetime,
    by_user_id: int | None,
) -> Fate:
    """Write ``fate`` to the audit log as ``action`` on ``appointment``; returns it."""
    record(
        session,
        user_id=by_user_id,
        action=action,
        now=now,
        appointment_id=appointment.id,
        detail=fate.describe()[:500],
    )
    session.flush()
    return fate


def _fate(appointment, problems, outcome, before, after, told) -> Fate:
    return Fate(
        appointment_id=appointment.id,
        reference=appointment.reference,
        point_id=appointment.point_id,
        service_id=appointment.service_id,
        starts_at=appointment.starts_at,
        language=appointment.language,
        problems=problems,
        outcome=outcome,
        room_before=before[0],
        room_after=after[0],
        expert_before=before[1],
        expert_after=after[1],
        citizen_told=told,
    )
