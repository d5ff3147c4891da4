"""The figures' own tables: who may see them, and the daily third-free-time measure."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base

SETTINGS_ID = 1


class FiguresSettings(Base):
    """The region file's ``[figures]``, one row (id 1).  Without the row (no region
    loaded yet) only the council and administrators see the figures."""

    __tablename__ = "figures_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisors_see_their_points: Mapped[bool] = mapped_column(Boolean, default=False)


def advisors_see_their_points(session) -> bool:
    """Whether an advisor may see the figures of the points she works at."""
    settings = session.get(FiguresSettings, SETTINGS_ID)
    return bool(settings and settings.advisors_see_their_points)


class ThirdFreeTime(Base):
    """On ``measured_on`` (a Helsinki date), the third free start of any of the agency's
    services at the point lay ``days_ahead`` days later; None: fewer than three free
    times within the booking horizon.

    Plain ids, no foreign keys: like the appointments' facts, the measures are kept
    for the figures after a point or a service is gone."""

    __tablename__ = "third_free_time"
    __table_args__ = (Index("ix_third_free_time_month", "month", "point_id", "agency_id"),)

    measured_on: Mapped[date] = mapped_column(primary_key=True)
    point_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: "YYYY-MM" of ``measured_on``, as the figures group by it.
    month: Mapped[str] = mapped_column(String(7))
    days_ahead: Mapped[int | None] = mapped_column(Integer)
