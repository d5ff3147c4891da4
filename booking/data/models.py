"""The data model: SQLAlchemy 2 typed models. State only — no sending, no clock reads.

Instants are aware UTC datetimes (``*_at``); dates are ``*_on``; weekly hours and
closures are local wall time of the point's zone.  The database itself enforces the
no-overlap rule (migrations/guards.py): a PostgreSQL exclusion constraint, SQLite triggers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.data import (  # noqa: F401  (mapped with the rest)
    appointment_facts,
    audit_models,
    calendar_models,
    feedback_models,
    figures_models,
    rate_limit_counters,
    sign_in_models,
)
from booking.data.base import Base
from booking.data.column_types import str_enum
from booking.data.enums import (
    ACTIVE_STATUSES,
    AppointmentStatus,
    BookingChannel,
    MessageChannel,
    MessageKind,
    MessageStatus,
)
from booking.data.staff_models import StaffPoint, StaffUser  # noqa: F401  (re-exported)


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(80))
    name_sv: Mapped[str] = mapped_column(String(80))
    postal_codes: Mapped[str] = mapped_column(Text, default="")  # space-separated
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    points: Mapped[list[ServicePoint]] = relationship(back_populates="municipality")


class ServicePoint(Base):
    __tablename__ = "service_point"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    street_address: Mapped[str] = mapped_column(String(120))
    postal_code: Mapped[str] = mapped_column(String(10))
    post_office: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Helsinki")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Offered to citizens on the site and in the API; the desk works at a hidden point too.
    online: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    municipality: Mapped[Municipality] = relationship(back_populates="points")
    rooms: Mapped[list[Room]] = relationship(back_populates="point", order_by="Room.id")
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="point", order_by="(OpeningHours.weekday, OpeningHours.opens)"
    )
    closures: Mapped[list[Closure]] = relationship(
        back_populates="point", order_by="Closure.closed_on"
    )
    offerings: Mapped[list[Offering]] = relationship(back_populates="point")


class Room(Base):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("point_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    point: Mapped[ServicePoint] = relationship(back_populates="rooms")


class Agency(Base):
    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    # How the agency is named in an SMS; a sensitive agency stays discreet.
    sms_name_fi: Mapped[str] = mapped_column(String(60))
    sms_name_sv: Mapped[str] = mapped_column(String(60))
    sms_name_en: Mapped[str] = mapped_column(String(60))
    # e.g. "https://video.kela.invalid/room/{reference}"
    meeting_link_template: Mapped[str] = mapped_column(String(200))

    services: Mapped[list[Service]] = relationship(back_populates="agency", order_by="Service.id")
    experts: Mapped[list[Expert]] = relationship(back_populates="agency")


#: No appointment (with its buffer) holds its room and expert for a day (the check on
#: ``service`` below): a search for what holds an instant looks back no further, so
#: its scan of the (room|expert, starts_at) indexes has two bounds whatever the
#: history holds (one bound let PostgreSQL's generic plan read the whole table).
LONGEST_APPOINTMENT = timedelta(days=1)


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (
        # The SQLite no-overlap guard looks one day back (migrations/guards.py).
        CheckConstraint(
            "duration_minutes + buffer_minutes < 1440", name="service_holds_under_a_day"
        ),
    )

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=15)
    grid_minutes: Mapped[int] = mapped_column(Integer, default=15)
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=120)
    horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    photo_id_required: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the citizen brings to the call, shown when booking and in the confirmation.
    what_to_bring_fi: Mapped[str] = mapped_column(Text, default="", server_default="")
    what_to_bring_sv: Mapped[str] = mapped_column(Text, default="", server_default="")
    what_to_bring_en: Mapped[str] = mapped_column(Text, default="", server_default="")

    agency: Mapped[Agency] = relationship(back_populates="services")


class Offering(Base):
    """Point × service: which point offers which service."""

    __tablename__ = "offering"

    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), primary_key=True)

    point: Mapped[ServicePoint] = relationship(back_populates="offerings")
    service: Mapped[Service] = relationship()


class OpeningHours(Base):
    """One opening interval of a weekday (0 = Monday), local wall time; several a day."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time]
    closes: Mapped[time]

    point: Mapped[ServicePoint] = relationship(back_populates="opening_hours")


class Closure(Base):
    """A point closed on a date: the whole day, or from ``starts`` to ``ends`` local time."""

    __tablename__ = "closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), index=True)
    closed_on: Mapped[date]
    starts: Mapped[time | None]
    ends: Mapped[time | None]
    reason: Mapped[str] = mapped_column(String(200), default="")

    point: Mapped[ServicePoint] = relationship(back_populates="closures")


class ExpertService(Base):
    __tablename__ = "expert_service"
    #: The experts who do a service (free times ask this for every agency's half).
    __table_args__ = (Index("ix_expert_service_service", "service_id", "expert_id"),)

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), primary_key=True)


class Expert(Base):
    __tablename__ = "expert"
    #: All an agency's half of free times reads of its experts, in the order of their
    #: ids (to merge with ``expert_service``): migration 0018.
    __table_args__ = (Index("ix_expert_agency", "agency_id", "id", "active", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    # Comma-separated language codes, e.g. "fi,sv,en".
    languages: Mapped[str] = mapped_column(String(40), default="fi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The weekly hours as one text, "weekday starts ends" joined with ";" in order:
    #: kept by the database from ``expert_hours`` (triggers, migration 0017), never
    #: written by the app.  Free times group the experts by it.
    week: Mapped[str] = mapped_column(Text, server_default="")

    agency: Mapped[Agency] = relationship(back_populates="experts")
    services: Mapped[list[Service]] = relationship(secondary="expert_service")
    working_hours: Mapped[list[ExpertHours]] = relationship(back_populates="expert")
    absences: Mapped[list[ExpertAbsence]] = relationship(back_populates="expert")


class ExpertHours(Base):
    """One working interval of a weekday, Helsinki wall time."""

    __tablename__ = "expert_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time]
    ends: Mapped[time]

    expert: Mapped[Expert] = relationship(back_populates="working_hours")


class ExpertAbsence(Base):
    __tablename__ = "expert_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")

    expert: Mapped[Expert] = relationship(back_populates="absences")


_SPAN_COLUMNS = ("starts_at", "blocked_until", "status", "expires_at")


class Appointment(Base):
    """A video meeting; from ``starts_at`` to ``blocked_until`` (end + set-up buffer) it
    holds its room and its expert, a span the database keeps from overlapping."""

    __tablename__ = "appointment"
    __table_args__ = (
        # Covering the availability query: the spans come from the index alone.
        Index("ix_appointment_room_start", "room_id", *_SPAN_COLUMNS),
        Index("ix_appointment_expert_start", "expert_id", *_SPAN_COLUMNS),
        Index("ix_appointment_point_start", "point_id", "starts_at"),
        Index("ix_appointment_phone", "phone"),
        Index("ix_appointment_hold_expiry", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)  # e.g. "K7M4QX", for the slip
    ical_uid: Mapped[str] = mapped_column(String(120), unique=True)  # RFC 5545 UID, for life
    revision: Mapped[int] = mapped_column(Integer, default=0)  # +1 a change; iCalendar SEQUENCE
    status: Mapped[AppointmentStatus] = mapped_column(
        str_enum(AppointmentStatus, "appointment_status"), default=AppointmentStatus.BOOKED
    )
    channel: Mapped[BookingChannel] = mapped_column(
        str_enum(BookingChannel, "booking_channel"), default=BookingChannel.ONLINE
    )
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"))
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    blocked_until: Mapped[datetime]
    # A hold: until when it keeps its time, its code's hash, the wrong codes typed.
    expires_at: Mapped[datetime | None]
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The citizen's moves on the Helsinki date ``moves_on`` (a day's moves are capped).
    moves_on: Mapped[date | None]
    moves_that_day: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # The citizen (erased after retention; see personal_data_erased_at).
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="fi")  # of messages and meeting
    topic: Mapped[str] = mapped_column(String(40), default="")  # a category key
    needs: Mapped[str] = mapped_column(String(500), default="")  # interpreter/accessibility
    interpreter_language: Mapped[str | None] = mapped_column(String(40))

    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    booked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The desk form's token: a second submission of the same form finds this booking.
    request_token: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    checked_in_at: Mapped[datetime | None]  # arrived at the desk
    call_started_at: Mapped[datetime | None]
    call_ended_at: Mapped[datetime | None]
    # When it was marked done, no-show or failed; why a call failed (FailureReason).
    outcome_at: Mapped[datetime | None]
    outcome_reason: Mapped[str | None] = mapped_column(String(24))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    # The only link to its anonymous fact (AppointmentFact.id); erased with the personal data.
    fact_id: Mapped[int | None] = mapped_column(BigInteger)
    # Why a calendar change cancelled it (region.consequences); to_call: the desk phones.
    cancel_cause: Mapped[str | None] = mapped_column(String(20))
    to_call: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    personal_data_erased_at: Mapped[datetime | None]

    point: Mapped[ServicePoint] = relationship()
    service: Mapped[Service] = relationship()
    room: Mapped[Room] = relationship()
    expert: Mapped[Expert] = relationship()
    messages: Mapped[list[OutboxMessage]] = relationship(
        back_populates="appointment", order_by="OutboxMessage.id"
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        Index("ix_outbox_to", "recipient"),  # a number's SMS of the day, for its budget
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (appointment, kind, revision, channel) — or agenda:expert:date:channel.
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind, "message_kind"))
    channel: Mapped[MessageChannel] = mapped_column(str_enum(MessageChannel, "message_channel"))
    revision: Mapped[int] = mapped_column(Integer, default=0)  # of the appointment it speaks of
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="fi")
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "message_status"), default=MessageStatus.PENDING
    )
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)  # what was sent, for advisors
    # The citizen's manage link for the text; kept apart so ``body`` never shows it.
    manage_url: Mapped[str | None] = mapped_column(String(300))
    # A verification code to send; cleared once the message is settled.
    one_time_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    appointment: Mapped[Appointment | None] = relationship(back_populates="messages")
