"""The anonymous facts of appointments: one row per appointment, kept for the figures.

A row says what kind of appointment it was and how it ended — month, place,
agency, service, channel, language, whether an interpreter was needed, lead
time, who cancelled and how early, the outcome, the waiting time and the call's
length — and nothing of who it was: no name, number, e-mail, topic, reference
or appointment id.  Its own id is drawn at random, so it does not follow the
order appointments were made in.  The appointment holds that id
(``Appointment.fact_id``) until its personal data is erased; from then on
nothing ties the two together, and the figures stay exactly as they were.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base

#: The columns a figure may be narrowed by, besides the month.
SCOPE_COLUMNS = ("point_id", "agency_id", "municipality_id")
FIGURES_INDEX = (
    "month",
    "point_id",
    "agency_id",
    "service_id",
    "lead_days",
    "municipality_id",
    "outcome",
    "channel",
    "language",
    "interpreter",
    "cancel_notice_hours",
    "booked_minutes",
    "used_minutes",
)


class AppointmentFact(Base):
    __tablename__ = "appointment_fact"
    __table_args__ = (
        # The figures count per month × point × agency × service and, in the same
        # order, per lead time: both read this index alone, front to back, with
        # no sorting.  It holds every column they read.
        Index("ix_appointment_fact_figures", *FIGURES_INDEX),
        # The medians of waiting and call length per month, in order, likewise.
        *(
            Index(
                f"ix_appointment_fact_{column}",
                "month",
                column,
                *SCOPE_COLUMNS,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"),
            )
            for column in ("waiting_minutes", "call_minutes")
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # "YYYY-MM" of the booked start, Helsinki time.
    month: Mapped[str] = mapped_column(String(7))
    municipality_id: Mapped[str] = mapped_column(String(40))
    point_id: Mapped[str] = mapped_column(String(60))
    agency_id: Mapped[str] = mapped_column(String(40))
    service_id: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(24))  # online, desk
    language: Mapped[str] = mapped_column(String(2))
    interpreter: Mapped[bool] = mapped_column(Boolean)
    # Whole days from the day it was booked to the day of the appointment (Helsinki).
    lead_days: Mapped[int] = mapped_column(Integer)
    # An AppointmentStatus value: booked, arrived and in_call while it is still open.
    outcome: Mapped[str] = mapped_column(String(24))
    failure_reason: Mapped[str | None] = mapped_column(String(24))
    cancelled_by: Mapped[str | None] = mapped_column(String(24))  # citizen, staff, system
    # Whole hours between the cancellation and the booked start (negative: after it).
    cancel_notice_hours: Mapped[int | None] = mapped_column(Integer)
    # Minutes from arrival (or the booked start, if earlier) to the call's start.
    waiting_minutes: Mapped[int | None] = mapped_column(Integer)
    call_minutes: Mapped[int | None] = mapped_column(Integer)
    # The room time booked (0 once cancelled) and used (the call; a done call
    # without recorded times counts its booked length).
    booked_minutes: Mapped[int] = mapped_column(Integer)
    used_minutes: Mapped[int] = mapped_column(Integer)
