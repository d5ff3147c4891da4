"""The daily measure of how far ahead the third free time lies, per point and agency."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base


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
