"""The states and kinds the data model stores, as plain string enums (no SQLAlchemy).

``ACTIVE_STATUSES`` is the one definition of an appointment that holds its
room and expert: the models, the migrations' guards and the checks all use it.
"""

from __future__ import annotations

import enum


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


#: Statuses that hold a room and an expert (everything but cancelled).
ACTIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.DONE,
    AppointmentStatus.NO_SHOW,
)


class BookingChannel(enum.StrEnum):
    ONLINE = "online"
    DESK = "desk"
    API = "api"


class Role(enum.StrEnum):
    ADVISOR = "advisor"
    EXPERT = "expert"
    ADMIN = "admin"


class MessageChannel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class MessageKind(enum.StrEnum):
    CONFIRMATION = "confirmation"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REMINDER_DAY_BEFORE = "reminder_day_before"
    REMINDER_MORNING = "reminder_morning"
    AGENDA = "agenda"


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time or a retry
    CLAIMED = "claimed"  # a scheduler holds it until claimed_until
    SENT = "sent"  # accepted by the gateway
    DELIVERED = "delivered"  # receipt says it reached the phone
    FAILED = "failed"  # gave up, visible to advisors
    SKIPPED = "skipped"  # no longer needed (appointment cancelled or moved)
