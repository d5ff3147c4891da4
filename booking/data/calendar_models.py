"""Calendar state: the region's and each point's and agency's revisions; the short-day rules."""

from __future__ import annotations

from datetime import time

from sqlalchemy import Integer, String, Text
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


class CalendarScopeRevision(Base):
    """A revision of one part of the calendar: ``p:<point id>`` or ``a:<agency id>``.

    A booking raises its point's and its agency's; an edit of opening hours,
    closures or rooms its point's; of an expert's hours, absences or services
    the expert's agency's.  Cached availability of a point and a service is
    served only while the region's, the point's and the service's agency's
    revisions are unchanged.  A missing row reads as 0."""

    __tablename__ = "calendar_scope_revision"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
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
