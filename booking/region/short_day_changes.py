"""An administrator's change of the region's short-day rules, with its consequences.

The rules (:class:`booking.data.calendar_models.ShortDaySettings`, the region
file's ``[calendar]``) say on which days every point closes early and when.
Like :mod:`booking.region.calendar_changes`: one audit entry with the rules
before and after, the region's calendar revision raised by the flush of the
row, and the booked appointments on the days the change shortens given their
fates — in the caller's transaction, flushing and never committing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.appointments.errors import N_
from booking.data.calendar_models import ShortDaySettings
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from booking.data.short_days import SETTINGS_ID, join_days, region_calendar
from booking.engine.calendar_rules import (
    FinnishCalendar,
    ShortDayRules,
    is_short_day_name,
)
from booking.engine.clock import HELSINKI
from booking.region.calendar_changes import CalendarChangeRefused, ChangeResult, settle_change
from booking.region.validity import Scope

#: Appointments whose calendar a change can still alter: booked, or the citizen is here.
_COMING = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
#: Around a local day, the UTC instants of any zone a point may keep (±14 h).
_ZONE_MARGIN = timedelta(hours=14)


def set_short_days(
    session: Session,
    closes_at: time,
    days: Iterable[str],
    *,
    now: datetime,
    by_user_id: int | None,
) -> ChangeResult:
    """Make the short days ``days`` (``"maundy_thursday"``, ``"MM-DD"``), on which every
    point closes at ``closes_at`` at the latest.  Raises :class:`CalendarChangeRefused`
    (nothing changed) for a day that is neither."""
    days = tuple(days)
    if not all(is_short_day_name(day) for day in days):
        raise CalendarChangeRefused(N_("Check the short days."), field="fixed_days")
    if closes_at is None:
        raise CalendarChangeRefused(N_("Enter the closing time."), field="closes_at")
    before = region_calendar(session)
    after = FinnishCalendar(ShortDayRules.named(closes_at, days))
    row = session.get(ShortDaySettings, SETTINGS_ID)
    if row is None:
        row = ShortDaySettings(id=SETTINGS_ID)
        session.add(row)
    row.closes_at, row.days = closes_at, join_days(after.short_days.names())
    summary = f"short days: {describe(before.short_days)} → {describe(after.short_days)}"
    scope = shortened_scope(session, before, after, now)
    return settle_change(session, summary, scope, now, by_user_id)


def shortened_scope(
    session: Session, before: FinnishCalendar, after: FinnishCalendar, now: datetime
) -> Scope:
    """The appointments to check when the rules go from ``before`` to ``after``: those
    on the coming days that close earlier (none when no day does)."""
    last = _last_coming_start(session, now)
    if last is None:
        return Scope(windows=())
    first_day = now.astimezone(HELSINKI).date() - timedelta(days=1)
    shortened = shortened_days(before, after, first_day, last.astimezone(HELSINKI).date())
    return Scope(windows=tuple(_around(day) for day in shortened))


def describe(rules: ShortDayRules) -> str:
    """The rules in one line for the audit log: ``13:00 on maundy_thursday, 04-30``."""
    return f"{rules.closes_at:%H:%M} on {', '.join(rules.names()) or 'no days'}"


def shortened_days(
    before: FinnishCalendar, after: FinnishCalendar, first_day: date, last_day: date
) -> list[date]:
    """The days from ``first_day`` to ``last_day`` on which the points close earlier
    under ``after`` than under ``before``: only on them can a booking become impossible."""
    found = []
    day = first_day
    while day <= last_day:
        closes = after.short_day_closes(day)
        if closes is not None:
            closed_before = before.short_day_closes(day)
            if closed_before is None or closes < closed_before:
                found.append(day)
        day += timedelta(days=1)
    return found


def coming_short_days(calendar: FinnishCalendar, today: date, count: int) -> list[date]:
    """The next ``count`` short days from ``today`` on (a year and a half at most)."""
    found = []
    day = today
    while len(found) < count and day < today + timedelta(days=550):
        if calendar.short_day_closes(day) is not None:
            found.append(day)
        day += timedelta(days=1)
    return found


def _last_coming_start(session: Session, now: datetime) -> datetime | None:
    return session.scalar(
        select(func.max(Appointment.starts_at)).where(
            Appointment.status.in_(_COMING), Appointment.starts_at > now - timedelta(days=1)
        )
    )


def _around(day: date) -> tuple[datetime, datetime]:
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    return midnight - _ZONE_MARGIN, midnight + timedelta(days=1) + _ZONE_MARGIN
