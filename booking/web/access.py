"""Access decorators: every staff route declares its roles; 403 and 404 from the policy.

Every staff route is wrapped in :func:`staff_required`, which sends anonymous
visitors to sign-in and refuses roles the route is not for.  What a signed-in
user may then see is decided by :mod:`booking.staff.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, request
from flask_login import current_user
from sqlalchemy.orm import Session

from booking.data.enums import Role
from booking.data.models import Appointment, StaffUser
from booking.data.sessions import read_only_context
from booking.engine.clock import utc_now
from booking.staff.access import may_see, may_see_point
from booking.staff.audit import AuditAction, record
from booking.web.database import get_session
from booking.web.extensions import login_manager
from booking.web.staff_sessions import session_is_current

View = TypeVar("View", bound=Callable)

#: Ids are 32-bit integers in the database; larger numbers from a URL match nothing.
LARGEST_ID = 2**31 - 1

#: The roles each staff view was declared for, by view function (read by the access tests).
STAFF_ROLES_ATTRIBUTE = "staff_roles"


def staff_required(*roles: Role, read_only: bool = False) -> Callable[[View], View]:
    """Let signed-in staff of ``roles`` (any role when none is given) through.

    Anonymous visitors are redirected to sign-in; other roles get 403.  Unless
    ``read_only``, the request's transaction starts as a write transaction, because
    staff views write audit events beside what they show.  A ``read_only`` view
    writes nothing: its transaction starts as a read (deferred on SQLite), even
    for a POST, so that a slow look holds no write lock.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args, **kwargs):
            read_only_context.set(read_only)  # before the user loader opens the session
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, STAFF_ROLES_ATTRIBUTE, roles or tuple(Role))
        return wrapped  # type: ignore[return-value]

    return decorate


def staff_user() -> StaffUser:
    """The signed-in staff user (only inside a :func:`staff_required` view)."""
    return current_user._get_current_object()


def require_point(user: StaffUser, point_id: str) -> None:
    """Abort with 403 unless ``user`` may see the desk of ``point_id`` (the refusal audited)."""
    if not may_see_point(user, point_id):
        _record_refusal(get_session(), user, detail=f"{request.method} {request.path}")
        abort(403)


def appointment_or_404(session: Session, user: StaffUser, appointment_id: int) -> Appointment:
    """The appointment if ``user`` may see it; otherwise 404, so that ids reveal nothing."""
    if not 0 < appointment_id <= LARGEST_ID:
        abort(404)  # beyond the database's integer range
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        abort(404)
    if not may_see(user, appointment):
        _record_refusal(
            session, user, appointment_id=appointment.id, detail=f"{request.method} {request.path}"
        )
        abort(404)
    return appointment


def _record_refusal(
    session: Session, user: StaffUser, *, appointment_id: int | None = None, detail: str
) -> None:
    """Keep a trace of a refused attempt (who, what, when); nothing else of the request."""
    session.rollback()
    record(
        session,
        user_id=user.id,
        action=AuditAction.REFUSED,
        now=utc_now(),
        appointment_id=appointment_id,
        detail=detail[:200],
    )
    session.commit()


def load_staff_user(user_id: str) -> StaffUser | None:
    """Flask-Login's user loader: the active account with this id, or None.

    None also when the session began before the account's last sign-out."""
    if not user_id.isdigit():
        return None
    account = get_session().get(StaffUser, int(user_id))
    if account is None or not account.active or not session_is_current(account):
        return None
    return account
