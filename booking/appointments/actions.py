"""What may be done to an appointment right now, and by whom: one pure rule.

:func:`allowed_actions` answers for a status, the booked start, the moment and
the role.  The staff pages offer exactly these buttons, and the use cases refuse
anything else (:func:`is_allowed`), so a button is never shown that the app
would then refuse.  Pure: no database, no web.

- The desk (advisors) checks citizens in (from an hour before the start, the
  setting ``BOOKING_CHECK_IN_MINUTES``), marks no-shows, cancels and moves.
- The expert starts and ends calls, marks a call done (also without an
  arrival: the citizen may have joined from elsewhere), a no-show, or a
  technical failure.
- An administrator may do both; the council nothing; the citizen (no role)
  cancels or moves her booking before it starts.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Protocol

from booking.data.enums import AppointmentStatus, Role


class Action(enum.StrEnum):
    CHECK_IN = "check_in"
    START_CALL = "start_call"
    END_CALL = "end_call"
    MARK_DONE = "done"
    NO_SHOW = "no_show"
    FAILURE = "failure"
    CANCEL = "cancel"
    MOVE = "move"


#: The expert may start a call (or settle it) this long before its booked start,
#: and any time once the citizen has arrived.
EARLY_START = timedelta(minutes=15)
#: The desk may check a citizen in from this long before the booked start (not at
#: night for a morning appointment: that would be a slip of the finger); the default
#: of the setting ``BOOKING_CHECK_IN_MINUTES``, which the web layer passes in.
CHECK_IN_FROM = timedelta(minutes=60)

DESK_ACTIONS = frozenset({Action.CHECK_IN, Action.NO_SHOW, Action.CANCEL, Action.MOVE})
CALL_ACTIONS = frozenset(
    {Action.START_CALL, Action.END_CALL, Action.MARK_DONE, Action.NO_SHOW, Action.FAILURE}
)
CITIZEN_ACTIONS = frozenset({Action.CANCEL, Action.MOVE})

#: What each role may ever do; ``None`` is the citizen with her manage link.
ROLE_ACTIONS: dict[Role | None, frozenset[Action]] = {
    Role.ADVISOR: DESK_ACTIONS,
    Role.EXPERT: CALL_ACTIONS,
    Role.ADMIN: DESK_ACTIONS | CALL_ACTIONS,
    Role.COUNCIL: frozenset(),
    None: CITIZEN_ACTIONS,
}


class Scheduled(Protocol):
    """What the rule reads of an appointment."""

    status: AppointmentStatus
    starts_at: datetime


def allowed_actions(
    appointment: Scheduled,
    now: datetime,
    role: Role | None,
    *,
    check_in_from: timedelta = CHECK_IN_FROM,
) -> frozenset[Action]:
    """The actions ``role`` (None: the citizen) may take on ``appointment`` at ``now``;
    check-in opens ``check_in_from`` before the start."""
    possible = _possible(
        appointment.status,
        appointment.starts_at,
        now,
        staff=role is not None,
        check_in_from=check_in_from,
    )
    return possible & ROLE_ACTIONS[role]


def _possible(
    status: AppointmentStatus,
    starts_at: datetime,
    now: datetime,
    *,
    staff: bool,
    check_in_from: timedelta,
) -> frozenset[Action]:
    started = now >= starts_at
    if status is AppointmentStatus.IN_CALL:
        return frozenset({Action.END_CALL, Action.FAILURE})
    if status is AppointmentStatus.ARRIVED:
        calls = {Action.START_CALL, Action.MARK_DONE, Action.FAILURE}
        # Staff may still cancel: the citizen came, but the call cannot take place.
        return frozenset(calls | {Action.CANCEL} if staff else calls)
    if status is not AppointmentStatus.BOOKED:
        return frozenset()  # done, no-show, failed or cancelled: nothing more happens
    possible = set()
    if now >= starts_at - check_in_from:
        possible.add(Action.CHECK_IN)
    if now >= starts_at - EARLY_START:
        possible |= {Action.START_CALL, Action.MARK_DONE, Action.FAILURE}
    if started:
        possible.add(Action.NO_SHOW)
    else:
        possible.add(Action.MOVE)
    if staff or not started:
        possible.add(Action.CANCEL)
    return frozenset(possible)


def is_allowed(
    appointment: Scheduled,
    action: Action,
    now: datetime,
    role: Role | None,
    *,
    check_in_from: timedelta = CHECK_IN_FROM,
) -> bool:
    return action in allowed_actions(appointment, now, role, check_in_from=check_in_from)
