"""Book, move, cancel, check in: the use cases of an appointment's life.

Each function does one transaction's worth of work on the given session:
it checks, changes state, writes the outbox rows for the messages the change
causes, raises the calendar revision, and flushes.  It never commits — the
request, command or job that called it does, once.  Every refusal is a
:class:`BookingError` subclass, and leaves the data as it was.

No double booking: the service layer checks first, for a friendly answer; the
database guard (exclusion constraints on PostgreSQL, triggers on SQLite) is
what makes it hold across processes.  The insert runs in a SAVEPOINT so a lost
race becomes :class:`SlotTaken` and the session stays usable.

An online booking given a :class:`HoldPolicy` holds its time until the citizen
types the code sent to the mobile number (``booking.appointments.holds``).
The per-number limits (``booking.appointments.limits``) are counted after the
write locks of the point, the agency and the number are taken, so parallel
bookings cannot race past them; bookings of other agencies at other points
take other locks and run side by side.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.appointments import guard as appointment_guard
from booking.appointments.actions import Action, is_allowed
from booking.appointments.alternatives import nearby_alternatives
from booking.appointments.attendance import acting_role, check_in, mark_done, mark_no_show
from booking.appointments.calendar_locks import (
    FirstLook,
    LookedBeforeAChange,
    first_look,
    take_the_calendar,
)
from booking.appointments.cancellation import cancel_appointment
from booking.appointments.citizen_details import (
    InvalidDetails,
    clean_citizen_details,
)
from booking.appointments.errors import (
    N_,
    AlreadyBooked,
    BookingError,
    DetailsRefused,
    InvalidTransition,
    NotBookable,
    SlotTaken,
    TooManyActiveBookings,
)
from booking.appointments.guard import (
    insert_guarded,
    is_overlap,
    lock_for_change,
    still_free,
)
from booking.appointments.holds import HoldPolicy, hash_code, new_code
from booking.appointments.limits import (
    DEFAULT_MAX_ACTIVE_PER_AGENCY,
    check_active_limit,
    check_code_allowance,
    check_move_allowance,
    count_move,
)
from booking.appointments.manage_tokens import ManageLinks, find_by_manage_token, hash_manage_token
from booking.appointments.outcome_facts import FACTS, new_fact_row, record_fact
from booking.appointments.start_checks import (
    check_open,
    check_start,
    held_by_appointment,
    not_available,
    offered,
)
from booking.data import availability as calendars
from booking.data.enums import AppointmentStatus, BookingChannel, MessageKind
from booking.data.figures_models import forget_totals
from booking.data.models import Appointment, Expert
from booking.data.sessions import begin_reading
from booking.messages.outbox import queue_appointment_messages, queue_code_message
from booking.staff.audit import record_change

__all__ = [
    "DESK_MIN_NOTICE",
    "BookingError",
    "BookingRequest",
    "BookingResult",
    "DetailsRefused",
    "HoldPolicy",
    "InvalidTransition",
    "NotBookable",
    "SlotTaken",
    "TooManyActiveBookings",
    "book_appointment",
    "cancel_appointment",
    "check_in",
    "find_by_manage_token",
    "hash_manage_token",
    "mark_done",
    "mark_no_show",
    "move_appointment",
    "nearby_alternatives",
]

#: Picks tried when the database guard refuses one to a concurrent booking.
PICK_ATTEMPTS = 3
#: At the desk the citizen may be standing there: any start from now on, no notice.
DESK_MIN_NOTICE = timedelta(0)


@dataclass(frozen=True)
class BookingRequest:
    point_id: str
    service_id: str
    starts_at: datetime
    name: str
    phone: str | None
    email: str | None = None
    language: str = "fi"
    topic: str = ""
    needs: str = ""
    interpreter_language: str | None = None
    channel: BookingChannel = BookingChannel.ONLINE
    booked_by_user_id: int | None = None
    #: The desk form's token: the same form submitted twice books once (AlreadyBooked).
    request_token: str | None = None


@dataclass(frozen=True)
class BookingResult:
    appointment: Appointment
    #: The secret of the manage link; only its hash is stored, so show it now or never.
    manage_token: str


def book_appointment(
    session: Session,
    request: BookingRequest,
    *,
    now: datetime,
    max_active_per_agency: int = DEFAULT_MAX_ACTIVE_PER_AGENCY,
    links: ManageLinks | None = None,
    hold: HoldPolicy | None = None,
) -> BookingResult:
    """Book ``request``; flushes, never commits.

    Raises :class:`NotBookable` (unknown point, service not offered, start off the
    grid, too soon or far, point closed), :class:`DetailsRefused`,
    :class:`TooManyActiveBookings`, :class:`TooManyCodes` (with ``hold``), or
    :class:`SlotTaken` (the caller looks for :func:`nearby_alternatives` once the
    failed write is rolled back).  ``links`` makes the manage token (an HMAC of the
    appointment's UID, so the scheduler can put the link into every message it
    sends; without it a random token, and messages carry no link).  A desk booking
    (``channel`` DESK) needs no minimum notice: any start from ``now`` on.  With
    ``hold`` the time is only held (status held, until ``hold.expiry(now)``) and the
    code goes by SMS (by e-mail when no number was given) instead of the confirmation,
    which
    :func:`~booking.appointments.holds.confirm_hold` sends."""
    reading = begin_reading(session)  # SQLite: look before taking the write lock
    look = first_look(session, request.point_id, request.service_id, reading=reading)
    arguments = {"now": now, "limit": max_active_per_agency, "links": links, "hold": hold}
    try:
        return _book(session, request, look=look, **arguments)
    except LookedBeforeAChange:
        session.expire_all()  # the region, the point or the agency changed: look again
        return _book(session, request, look=None, **arguments)


def _book(
    session: Session,
    request: BookingRequest,
    *,
    now: datetime,
    limit: int,
    links: ManageLinks | None,
    hold: HoldPolicy | None,
    look: FirstLook | None,
) -> BookingResult:
    point, service = offered(session, request.point_id, request.service_id)
    if request.channel != BookingChannel.DESK and not point.online:
        # A point hidden online is booked at its desk only.
        raise NotBookable(N_("There is no such service point."), field="point")
    try:
        details = clean_citizen_details(
            name=request.name,
            phone=request.phone,
            email=request.email,
            language=request.language,
            topic=request.topic,
            needs=request.needs,
            interpreter_language=request.interpreter_language,
            agency_id=service.agency_id,
            mobile_required=request.channel != BookingChannel.DESK,
        )
    except InvalidDetails as error:
        raise DetailsRefused(error.errors) from error
    notice = DESK_MIN_NOTICE if request.channel == BookingChannel.DESK else None
    starts_at = check_start(point, service, request.starts_at, now=now, min_notice=notice)
    online = request.channel != BookingChannel.DESK
    limited_phone = details.phone if online else None
    limited_email = details.email if online and not details.phone else None
    if limited_phone or limited_email:  # a quick answer first; it counts again under the lock
        check_active_limit(session, limited_phone, service, now, limit, email=limited_email)

    ends_at = starts_at + timedelta(minutes=service.duration_minutes)
    ical_uid = f"{uuid.uuid4()}@etavaraus"
    token = links.token(ical_uid) if links else secrets.token_urlsafe(32)
    fields = {
        "ical_uid": ical_uid,
        "revision": 0,
        "status": AppointmentStatus.HELD if hold else AppointmentStatus.BOOKED,
        "expires_at": hold.expiry(now) if hold else None,
        "channel": request.channel,
        "point_id": point.id,
        "service_id": service.id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "blocked_until": ends_at + timedelta(minutes=service.buffer_minutes),
        "name": details.name,
        "phone": details.phone,
        "email": details.email,
        "language": details.language,
        "topic": details.topic,
        "needs": details.needs,
        "interpreter_language": details.interpreter_language,
        "manage_token_hash": hash_manage_token(token),
        "created_at": now,
        "updated_at": now,
        "booked_by_user_id": request.booked_by_user_id,
        "request_token": request.request_token,
        # The columns the database would default, given: the insert then reads
        # nothing back but the id.
        "code_attempts": 0,
        "moves_that_day": 0,
        "to_call": False,
    }
    code = new_code() if hold else None
    if code:
        fields["code_hash"] = hash_code(fields["ical_uid"], code)
    # The first look is without a lock, so that a crowd of losers is answered in
    # parallel.  A likely winner then takes the calendar's write lock, counts the
    # number's limits, and checks that its room and expert are still free (else
    # picks again under the lock): concurrent winners would otherwise all pick the
    # same "fairest" expert and keep refusing each other.  Should the database
    # guard still refuse the pick (a writer outside this path), pick again.
    # What can be made before the write locks is: the rows to insert, and the chosen
    # expert, whose agency's revisions the flush raises (kept here until then: the
    # session holds its objects only weakly).
    appointment = Appointment(reference=appointment_guard.new_reference(), **fields)
    fact = new_fact_row(
        appointment, municipality_id=point.municipality_id, agency_id=service.agency_id
    )
    read_ahead: list[Expert | None] = []
    locked = False
    for attempt in range(PICK_ATTEMPTS):
        chosen = calendars.pick_for_booking(
            session, point.id, service.id, starts_at, now, min_notice=notice
        )
        if chosen is not None and not locked:
            locked = True
            read_ahead.append(session.get(Expert, chosen[1]))
            take_the_calendar(
                session,
                point.id,
                service,
                now,
                limit,
                limited_phone,
                limited_email,
                first_look=look,
                starts_at=starts_at,
            )
            if fact is not None:  # the fact's month is counted afresh if it was summarized
                forget_totals(session, [fact["month"]])
            if request.request_token and booked_with(session, request.request_token):
                raise AlreadyBooked()
            if hold:
                check_code_allowance(session, str(details.phone or details.email), now)
            if not still_free(session, *chosen, starts_at, fields["blocked_until"]):
                chosen = calendars.pick_for_booking(
                    session, point.id, service.id, starts_at, now, min_notice=notice
                )
        if chosen is None:
            check_open(session, point, service, starts_at)
            if held_by_appointment(session, point, service, starts_at, now=now):
                raise SlotTaken()
            if attempt == 0:
                continue  # what held the time was moved or cancelled meanwhile: look again
            raise not_available()
        appointment.room_id, appointment.expert_id = chosen
        if insert_guarded(session, appointment, *([(FACTS, fact)] if fact else [])):
            break
    else:
        raise SlotTaken()
    if code:
        queue_code_message(session, appointment, code, now=now)
    else:
        queue_appointment_messages(
            session, appointment, MessageKind.CONFIRMATION, now=now, fresh=True
        )
    if request.booked_by_user_id is not None:
        record_change(session, appointment, request.booked_by_user_id, "book", now)
    return BookingResult(appointment=appointment, manage_token=token)


def move_appointment(
    session: Session,
    appointment: Appointment,
    new_start: datetime,
    *,
    now: datetime,
    by_user_id: int | None = None,
    min_notice: timedelta | None = None,
) -> Appointment:
    """Move a booked appointment to ``new_start``: the same id and calendar UID, the
    revision up by one, a room and an expert chosen afresh.  Flushes, never commits.
    Raises :class:`InvalidTransition`, :class:`NotBookable` or :class:`SlotTaken`.
    ``min_notice`` replaces the service's minimum notice (the desk: ``DESK_MIN_NOTICE``)."""
    lock_for_change(session, appointment)
    role = acting_role(session, by_user_id)
    if not is_allowed(appointment, Action.MOVE, now, role):
        raise InvalidTransition()
    if by_user_id is None:
        check_move_allowance(appointment, now)
    point, service = appointment.point, appointment.service
    new_start = check_start(point, service, new_start, now=now, min_notice=min_notice)
    if new_start == appointment.starts_at:
        return appointment
    ends_at = new_start + timedelta(minutes=service.duration_minutes)
    # Inside one savepoint: free the appointment's own time (so that a move by a
    # few minutes is not refused by itself), pick afresh and write the new time.
    # Any failure rolls the savepoint back, leaving the appointment untouched.
    take_the_calendar(session, point.id, service, now, 0)
    try:
        with session.begin_nested():
            appointment.status = AppointmentStatus.CANCELLED
            session.flush()
            chosen = calendars.pick_for_booking(
                session, point.id, service.id, new_start, now, min_notice=min_notice
            )
            if chosen is None:
                raise _NoFreeResources
            appointment.status = AppointmentStatus.BOOKED
            appointment.room_id, appointment.expert_id = chosen
            appointment.starts_at = new_start
            appointment.ends_at = ends_at
            appointment.blocked_until = ends_at + timedelta(minutes=service.buffer_minutes)
            session.flush()
    except (_NoFreeResources, IntegrityError) as error:
        if isinstance(error, IntegrityError) and not is_overlap(error):
            raise
        session.refresh(appointment)
        check_open(session, point, service, new_start)
        if not held_by_appointment(
            session, point, service, new_start, ignore_appointment_id=appointment.id, now=now
        ):
            raise not_available() from None
        raise SlotTaken() from None
    appointment.revision += 1
    appointment.updated_at = now
    count_move(appointment, now)
    record_fact(session, appointment)
    _after_change(session, appointment, MessageKind.MOVED, now)
    if by_user_id is not None:
        record_change(session, appointment, by_user_id, "move", now)
    return appointment


# --- inside ---------------------------------------------------------------


class _NoFreeResources(Exception):
    """No room or no expert is free at the asked time (raised inside a savepoint)."""


def booked_with(session: Session, request_token: str) -> Appointment | None:
    """The appointment a form with ``request_token`` booked, if it did."""
    return session.scalar(select(Appointment).where(Appointment.request_token == request_token))


def _after_change(
    session: Session,
    appointment: Appointment,
    kind: MessageKind,
    now: datetime,
) -> None:
    session.flush()
    queue_appointment_messages(session, appointment, kind, now=now)
    # The calendar revision was raised by the flush of the change itself
    # (booking.calendar_revision's before_flush listener), in this transaction.
    session.flush()
