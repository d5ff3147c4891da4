"""The audit log: which staff member saw or changed whose personal data, and when.

Events are added to the caller's session, so they are committed in the same
transaction as the view or the change they record (or not at all).  Details
never hold the personal data itself, only what kind of access it was.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from booking.data.audit_models import AuditEvent


class AuditAction(enum.StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    VIEW_DESK_DAY = "view_desk_day"
    VIEW_APPOINTMENT = "view_appointment"
    SEARCH = "search"
    PRINT_DAY_SHEET = "print_day_sheet"
    PRINT_SLIP = "print_slip"
    VIEW_EXPERT_SCHEDULE = "view_expert_schedule"
    READ_FEED = "read_feed"
    RENEW_FEED = "renew_feed"
    BOOK = "book"
    MOVE = "move"
    CANCEL = "cancel"
    CHECK_IN = "check_in"
    START_CALL = "start_call"
    NO_SHOW = "no_show"
    DONE = "done"
    FAILURE = "failure"
    #: An appointment given another room or expert at the same time by a calendar change.
    REHOUSE = "rehouse"
    #: An administrator changed the region's calendar (detail: what, from what, to what).
    CHANGE_REGION = "change_region"
    #: The desk phoned a citizen whose appointment such a change cancelled (or talked to
    #: an arrived citizen whose call it made impossible).
    CALLED = "called"
    #: A calendar change made an arrived citizen's call impossible; on the desk's list.
    NEEDS_ATTENTION = "needs_attention"
    #: The desk sent the booking's summary to an address the caller gave.
    EMAIL_SUMMARY = "email_summary"
    #: A staff member asked for an appointment or a point outside her rights (refused).
    REFUSED = "refused"
    #: An administrator invited a staff member or changed her access (detail: from, to).
    CHANGE_STAFF = "change_staff"
    #: A region administrator read the accessibility feedback citizens sent (detail: the
    #: page of the list and the messages on it).
    READ_FEEDBACK = "read_feedback"


def record(
    session: Session,
    *,
    user_id: int | None,
    action: AuditAction,
    now: datetime,
    appointment_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one audit event to ``session``. The caller commits."""
    event = AuditEvent(
        at=now, user_id=user_id, action=action.value, appointment_id=appointment_id, detail=detail
    )
    session.add(event)
    return event


def record_change(
    session: Session, appointment, user_id: int, action: str, now: datetime
) -> AuditEvent:
    """Record that staff member ``user_id`` changed ``appointment`` (``action``: an AuditAction)."""
    return record(
        session,
        user_id=user_id,
        action=AuditAction(action),
        now=now,
        appointment_id=appointment.id,
    )


def record_viewed(
    session: Session,
    *,
    user_id: int,
    action: AuditAction,
    now: datetime,
    appointment_ids: Iterable[int],
    detail: str = "",
) -> None:
    """One event per appointment whose personal data a page showed. The caller commits."""
    session.add_all(
        AuditEvent(at=now, user_id=user_id, action=action.value, appointment_id=aid, detail=detail)
        for aid in appointment_ids
    )
