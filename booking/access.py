"""The staff access policy: who may see and change which appointments.

Every staff route is wrapped in :func:`staff_required`, which sends anonymous
visitors to sign-in and refuses roles the route is not for.  What a signed-in
user may then see is decided here and nowhere else:

- an advisor sees the appointments of her own service point(s);
- an expert sees her agency's appointments (the views show her own calls by default);
- an admin sees everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from booking.db import read_only_context
from booking.extensions import login_manager
from booking.models import Appointment, Role, Service, ServicePoint, StaffUser

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


def visible_point_ids(user: StaffUser) -> set[str] | None:
    """The points whose desks ``user`` may see; None means every point."""
    if user.role is Role.ADMIN:
        return None
    if user.role is Role.ADVISOR:
        return {point.id for point in user.points}
    return set()


def desk_points(session: Session, user: StaffUser) -> list[ServicePoint]:
    """The points ``user`` works at (every active point for an admin), by name."""
    allowed = visible_point_ids(user)
    query = select(ServicePoint).where(ServicePoint.active).order_by(ServicePoint.name_fi)
    if allowed is not None:
        query = query.where(ServicePoint.id.in_(sorted(allowed)))
    return list(session.scalars(query))


def require_point(user: StaffUser, point_id: str) -> None:
    """Abort with 403 unless ``user`` may see the desk of ``point_id``."""
    allowed = visible_point_ids(user)
    if allowed is not None and point_id not in allowed:
        abort(403)


def appointment_scope(user: StaffUser) -> ColumnElement[bool]:
    """A WHERE clause limiting an appointment query to what ``user`` may see."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.ADVISOR:
        return Appointment.point_id.in_([point.id for point in user.points])
    if user.role is Role.EXPERT and user.agency_id:
        agency_services = select(Service.id).where(Service.agency_id == user.agency_id)
        return Appointment.service_id.in_(agency_services.scalar_subquery())
    return false()


def may_see(user: StaffUser, appointment: Appointment) -> bool:
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.ADVISOR:
        return appointment.point_id in {point.id for point in user.points}
    if user.role is Role.EXPERT:
        return user.agency_id is not None and appointment.service.agency_id == user.agency_id
    return False


def appointment_or_404(session: Session, user: StaffUser, appointment_id: int) -> Appointment:
    """The appointment if ``user`` may see it; otherwise 404, so that ids reveal nothing."""
    if not 0 < appointment_id <= LARGEST_ID:
        abort(404)  # beyond the database's integer range
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or not may_see(user, appointment):
        abort(404)
    return appointment
