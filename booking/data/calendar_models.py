"""Calendar state: the region's and each point's and agency's revisions; the short-day rules."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import BigInteger, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base


class CalendarRevision(Base):
    """One row whose number rises with every change that can alter availability.

    Cached availability is served only while this number is unchanged, so a
    cache can never show a time that has been taken since.
    """

    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class CalendarSignal(Base):
    """The calendar signal registered for a PostgreSQL database: the file's path and the
    token it holds (both NULL: none).  One row, made by its migration; every
    transaction that raises a revision reads it, sharing its lock, so registering
    (which takes the lock whole) waits for every writer under way."""

    __tablename__ = "calendar_signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str | None] = mapped_column(Text)
    token: Mapped[int | None] = mapped_column(BigInteger)


class CalendarScopeRevision(Base):
    """A revision of one part of the calendar: ``p:<point id>`` or ``a:<agency id>``.

    An edit of opening hours, closures or rooms raises its point's; of an
    expert's hours, absences or services the expert's agency's (appointments
    raise their days instead, see :class:`CalendarDayRevision`).  Cached
    availability of a point and a service is served only while the region's,
    the point's and the service's agency's revisions and the sums of their day
    revisions over its range are unchanged.  A missing row reads as 0."""

    __tablename__ = "calendar_scope_revision"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class CalendarDayRevision(Base):
    """A revision of one point's or one agency's appointments on one day (UTC).

    A booking, move or cancellation raises the rows of the days its old and new
    times touch, for its point and its expert's agency, instead of their whole
    revisions: a cached month of a point and a service then knows which of its
    days a booking changed, and only those days are computed again.  A missing
    row reads as 0; rows are never deleted (a revision must never go down)."""

    __tablename__ = "calendar_day_revision"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class ShortDaySettings(Base):
    """The region's short days, from its file's ``[calendar]``: one row, id 1.

    ``days`` holds ``maundy_thursday`` and fixed ``MM-DD`` days, comma-separated;
    on them every point closes at ``closes_at`` at the latest.  Without the row
    (no region file loaded yet) the built-in rules apply."""

    __tablename__ = "short_day_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    closes_at: Mapped[time]
    days: Mapped[str] = mapped_column(Text)
