"""The figures' own tables: who may see them, the daily third-free-time measure, and the
counted totals of months that are over."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Index, Integer, String, Text, bindparam, delete, select
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


class SummarizedMonth(Base):
    """A month whose facts are also kept counted, in ``fact_month_totals``.

    Written by the scheduler once the month is over; deleted, with its totals,
    whenever one of the month's facts is written again (:func:`forget_totals`),
    so the figures never read totals that differ from the facts."""

    __tablename__ = "summarized_month"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class FactMonthTotals(Base):
    """The facts of one month × point × agency × service, counted: ``counts`` a JSON
    object of what the figures count, with the minutes and the lead-time, waiting and
    call-length histograms."""

    __tablename__ = "fact_month_totals"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    point_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    municipality_id: Mapped[str] = mapped_column(String(40))
    counts: Mapped[str] = mapped_column(Text)


def forget_totals(session, months) -> None:
    """Drop the totals of ``months`` (those of them summarized); the caller flushes."""
    months = session.execute(_SUMMARIZED, {"months": sorted(set(months))}).scalars().all()
    if months:
        session.execute(delete(FactMonthTotals).where(FactMonthTotals.month.in_(months)))
        session.execute(delete(SummarizedMonth).where(SummarizedMonth.month.in_(months)))


#: Which of ``:months`` are summarized (read under the write locks of every booking:
#: a table's columns, not the entity, which spares the ORM's loading).
_SUMMARIZED = select(SummarizedMonth.__table__.c.month).where(
    SummarizedMonth.__table__.c.month.in_(bindparam("months", expanding=True))
)
