"""An administrator's changes of the region's calendar, each with its consequences.

Each use case makes one change (close a point on a day, mark an expert
absent, take a room out of use, set a weekday's opening hours), writes an audit
entry saying what it was before and after, and settles what the change does to
booked appointments (:mod:`booking.region.consequences`) — all in the caller's
transaction: it flushes and never commits.  To show the consequences before
the administrator confirms, a view runs the same use case and rolls back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.appointments.errors import N_, BookingError
from booking.data.models import Closure, Expert, ExpertAbsence, OpeningHours, Room, ServicePoint
from booking.region.consequences import Fate, settle_consequences
from booking.region.validity import Scope
from booking.staff.audit import AuditAction, record

REASON_MAX_LENGTH = 200


class CalendarChangeRefused(BookingError):
    """The change cannot be made as asked; nothing was changed."""

    code = "calendar_change_refused"


@dataclass(frozen=True)
class ChangeResult:
    """What was changed (one line, for the audit log and the page) and its consequences."""

    summary: str
    fates: list[Fate]


def close_point(
    session: Session,
    point_id: str,
    closed_on: date,
    *,
    starts: time | None = None,
    ends: time | None = None,
    reason: str = "",
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Close the point on ``closed_on``: the whole day, or from ``starts`` to ``ends``
    local time.  The reason is shown to citizens on the point's page."""
    point = active_point(session, point_id)
    reason = _reason(reason)
    if (starts is None) != (ends is None):
        raise CalendarChangeRefused(
            N_("Give both the start and the end, or neither."), field="ends"
        )
    if starts is not None and ends <= starts:
        raise CalendarChangeRefused(N_("The end must be later than the start."), field="ends")
    if closed_on < now.date():
        raise CalendarChangeRefused(N_("This day has already passed."), field="closed_on")
    session.add(
        Closure(point_id=point.id, closed_on=closed_on, starts=starts, ends=ends, reason=reason)
    )
    span = "whole day" if starts is None else f"{starts:%H:%M}-{ends:%H:%M}"
    summary = f"closure {point.id} {closed_on.isoformat()} {span}: open → closed ({reason})"
    tz = ZoneInfo(point.timezone)
    scope = Scope(
        point_ids=frozenset({point.id}),
        since=datetime.combine(closed_on, time(0), tz),
        until=datetime.combine(closed_on + timedelta(days=1), time(0), tz),
    )
    return settle_change(session, summary, scope, now, by_user_id)


def remove_closure(
    session: Session, closure_id: int, *, now: datetime, by_user_id: int | None
) -> ChangeResult:
    """Open again what a closure closed; no booking becomes impossible by it."""
    closure = session.get(Closure, closure_id)
    if closure is None:
        raise CalendarChangeRefused(N_("There is no such closure."))
    summary = f"closure {closure.point_id} {closure.closed_on.isoformat()}: closed → open"
    session.delete(closure)
    return settle_change(session, summary, Scope(point_ids=frozenset()), now, by_user_id)


def add_absence(
    session: Session,
    expert_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    reason: str = "",
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Mark the expert absent over ``[starts_at, ends_at)``; her calls then go to
    colleagues free at the same times, or are cancelled.  An absence of hers from the
    same start is lengthened rather than doubled (an absence is its expert's from its
    start, as the region file matches it)."""
    expert = session.get(Expert, expert_id)
    if expert is None or not expert.active:
        raise CalendarChangeRefused(N_("There is no such expert."))
    if ends_at <= starts_at:
        raise CalendarChangeRefused(N_("The end must be later than the start."), field="ends")
    reason = _reason(reason)
    same_start = session.scalar(
        select(ExpertAbsence).where(
            ExpertAbsence.expert_id == expert.id, ExpertAbsence.starts_at == starts_at
        )
    )
    if same_start is None:
        session.add(
            ExpertAbsence(expert_id=expert.id, starts_at=starts_at, ends_at=ends_at, reason=reason)
        )
    else:
        same_start.ends_at = max(same_start.ends_at, ends_at)
        same_start.reason = reason or same_start.reason
    summary = (
        f"absence {expert.key} {starts_at.isoformat()}..{ends_at.isoformat()}: "
        f"working → absent ({reason})"
    )
    # A call starting up to a day before the absence may run into it.
    scope = Scope(
        expert_ids=frozenset({expert.id}), since=starts_at - timedelta(days=1), until=ends_at
    )
    return settle_change(session, summary, scope, now, by_user_id)


def set_room_active(
    session: Session, room_id: int, active: bool, *, now: datetime, by_user_id: int | None
) -> ChangeResult:
    """Take a room out of use (its calls go to another free room of the point, or are
    cancelled), or back into use."""
    room = session.get(Room, room_id)
    if room is None:
        raise CalendarChangeRefused(N_("There is no such room."))
    before = "in use" if room.active else "out of use"
    room.active = active
    after = "in use" if active else "out of use"
    summary = f"room {room.point_id}/{room.key}: {before} → {after}"
    scope = Scope(point_ids=frozenset({room.point_id}))
    return settle_change(session, summary, scope, now, by_user_id)


def set_opening_hours(
    session: Session,
    point_id: str,
    weekday: int,
    intervals: list[tuple[time, time]],
    *,
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Make the point's hours on ``weekday`` (0 = Monday) exactly ``intervals``."""
    point = active_point(session, point_id)
    intervals = sorted(intervals)
    if not intervals_are_valid(intervals):
        raise CalendarChangeRefused(N_("Check the opening hours."), field="hours")
    rows = session.scalars(
        select(OpeningHours).where(
            OpeningHours.point_id == point.id, OpeningHours.weekday == weekday
        )
    ).all()
    before = _intervals_text((row.opens, row.closes) for row in rows)
    for row in rows:
        session.delete(row)
    for opens, closes in intervals:
        session.add(OpeningHours(point_id=point.id, weekday=weekday, opens=opens, closes=closes))
    summary = f"hours {point.id} weekday {weekday}: {before} → {_intervals_text(intervals)}"
    return settle_change(session, summary, Scope(point_ids=frozenset({point.id})), now, by_user_id)


def intervals_are_valid(intervals: list[tuple[time, time]]) -> bool:
    """Each interval, in start order, ends after it starts and before the next starts."""
    return all(opens < closes for opens, closes in intervals) and all(
        earlier[1] <= later[0] for earlier, later in pairwise(intervals)
    )


def one_line(raw: str | None, *, field: str, most: int, missing: str) -> str:
    """``raw`` on one line with single spaces; refused, naming ``field``, when empty
    (with ``missing``), longer than ``most`` or holding < or >."""
    text = " ".join((raw or "").split())
    if not text:
        raise CalendarChangeRefused(missing, field=field)
    if len(text) > most or re.search(r"[<>]", text):
        raise CalendarChangeRefused(
            N_("Write at most %(count)s characters, without < or >."),
            field=field,
            params={"count": most},
        )
    return text


def settle_change(
    session: Session, summary: str, scope: Scope, now: datetime, by_user_id: int | None
) -> ChangeResult:
    session.flush()  # the change first: the consequences are read from it
    record(
        session,
        user_id=by_user_id,
        action=AuditAction.CHANGE_REGION,
        now=now,
        detail=summary[:500],
    )
    fates = settle_consequences(
        session, now=now, scope=scope, by_user_id=by_user_id, reason=summary[:500]
    )
    return ChangeResult(summary=summary, fates=fates)


def active_point(session: Session, point_id: str) -> ServicePoint:
    point = session.get(ServicePoint, point_id)
    if point is None or not point.active:
        raise CalendarChangeRefused(N_("There is no such service point."))
    return point


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX_LENGTH:
        raise CalendarChangeRefused(
            N_("Write at most %(count)s characters."),
            field="reason",
            params={"count": REASON_MAX_LENGTH},
        )
    return reason


def _intervals_text(intervals) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in intervals) or "closed"
