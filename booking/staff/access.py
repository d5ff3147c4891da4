"""The staff access policy: who may see which points and appointments. Pure of Flask.

- an advisor sees the appointments of her own service point(s);
- an expert sees her agency's appointments (the views show her own calls by default);
- an admin sees everything — unless her account is limited to some points (the
  ``staff_point`` links, as an advisor's): then she sees and changes only those
  points and their appointments, and not what spans the region (experts, the
  audit log).

The web layer (:mod:`booking.web.access`) turns a "no" from here into 403 or 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from booking.data.enums import Role
from booking.data.models import Appointment, Service, ServicePoint, StaffUser


def is_region_admin(user: StaffUser) -> bool:
    """An administrator of the whole region (not limited to some points)."""
    return user.role is Role.ADMIN and not user.points


def visible_point_ids(user: StaffUser) -> set[str] | None:
    """The points whose desks ``user`` may see; None means every point."""
    if is_region_admin(user):
        return None
    if user.role in (Role.ADVISOR, Role.ADMIN):
        return {point.id for point in user.points}
    return set()


def may_see_point(user: StaffUser, point_id: str) -> bool:
    allowed = visible_point_ids(user)
    return allowed is None or point_id in allowed


def desk_points(session: Session, user: StaffUser) -> list[ServicePoint]:
    """The points ``user`` works at (every active point for an admin), by name."""
    allowed = visible_point_ids(user)
    query = select(ServicePoint).where(ServicePoint.active).order_by(ServicePoint.name_fi)
    if allowed is not None:
        query = query.where(ServicePoint.id.in_(sorted(allowed)))
    return list(session.scalars(query))


def appointment_scope(user: StaffUser) -> ColumnElement[bool]:
    """A WHERE clause limiting an appointment query to what ``user`` may see."""
    if is_region_admin(user):
        return true()
    if user.role in (Role.ADVISOR, Role.ADMIN):
        return Appointment.point_id.in_([point.id for point in user.points])
    if user.role is Role.EXPERT and user.agency_id:
        agency_services = select(Service.id).where(Service.agency_id == user.agency_id)
        return Appointment.service_id.in_(agency_services.scalar_subquery())
    return false()


def may_see(user: StaffUser, appointment: Appointment) -> bool:
    if is_region_admin(user):
        return True
    if user.role in (Role.ADVISOR, Role.ADMIN):
        return appointment.point_id in {point.id for point in user.points}
    if user.role is Role.EXPERT:
        return user.agency_id is not None and appointment.service.agency_id == user.agency_id
    return False
