"""The states and kinds the data model stores, as plain string enums (no SQLAlchemy).

``ACTIVE_STATUSES`` is the one definition of an appointment that holds its
room and expert: the models, the migrations' guards and the checks all use it.
Changing it needs a revision that recreates the guards (see migrations/guards.py).
"""

from __future__ import annotations

import enum


class AppointmentStatus(enum.StrEnum):
    """The call's timeline: (held →) booked → arrived (at the desk) → in call → done; or
    no-show, cancelled, expired (a hold never confirmed), or a technical failure (with a
    :class:`FailureReason`)."""

    HELD = "held"  # an online booking waiting for the code sent to its mobile number
    EXPIRED = "expired"  # a hold whose code never came: it holds nothing
    BOOKED = "booked"
    ARRIVED = "arrived"
    IN_CALL = "in_call"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TECHNICAL_FAILURE = "technical_failure"


#: Statuses that hold a room and an expert (everything but cancelled and expired).
#: A hold counts until its ``expires_at``; the use cases mark lapsed holds expired
#: before they pick a time, so the database guard never sees one in the way. A call
#: in progress holds its room, and a call that ended, failed or was missed held it.
ACTIVE_STATUSES = (
    AppointmentStatus.HELD,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.IN_CALL,
    AppointmentStatus.DONE,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.TECHNICAL_FAILURE,
)

#: Active appointments whose citizen has confirmed: what schedules and feeds list.
CONFIRMED_STATUSES = tuple(
    status for status in ACTIVE_STATUSES if status is not AppointmentStatus.HELD
)


class FailureReason(enum.StrEnum):
    """Why a call failed for technical reasons: a short list, no free text."""

    CONNECTION = "connection"
    EQUIPMENT = "equipment"
    EXPERT_LATE = "expert_late"
    OTHER = "other"


class CancelledBy(enum.StrEnum):
    """Who cancelled, as the anonymous figures count it."""

    CITIZEN = "citizen"
    STAFF = "staff"
    SYSTEM = "system"


class BookingChannel(enum.StrEnum):
    ONLINE = "online"
    DESK = "desk"
    API = "api"


class Role(enum.StrEnum):
    ADVISOR = "advisor"
    EXPERT = "expert"
    ADMIN = "admin"
    #: The regional council: the anonymous figures only, read only.
    COUNCIL = "council"


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
    VERIFICATION_CODE = "verification_code"  # the code that proves the mobile number
    STAFF_LINK = "staff_link"  # a staff member's one-time link to set her password


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time or a retry
    CLAIMED = "claimed"  # a scheduler holds it until claimed_until
    SENT = "sent"  # accepted by the gateway
    DELIVERED = "delivered"  # receipt says it reached the phone
    FAILED = "failed"  # gave up, visible to advisors
    SKIPPED = "skipped"  # no longer needed (appointment cancelled or moved)
    OVER_LIMIT = "over_limit"  # not sent: the number had its day's SMS already
