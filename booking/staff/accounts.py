"""Staff accounts: create or update advisors, experts and admins; end their sessions.

The caller commits."""

from __future__ import annotations

from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from booking.data.enums import Role
from booking.data.models import Agency, Expert, ServicePoint, StaffUser

MIN_PASSWORD_LENGTH = 12


class StaffAccountError(ValueError):
    """The account cannot be saved as asked; the message says why."""


def add_staff_user(
    session: Session,
    *,
    role: str,
    email: str,
    password: str,
    point_ids: Sequence[str] = (),
    agency_id: str | None = None,
    expert_key: str | None = None,
    display_name: str = "",
) -> StaffUser:
    """Create the account, or update the one with this e-mail. Raises StaffAccountError."""
    try:
        role_value = Role(role)
    except ValueError as error:
        raise StaffAccountError(f"unknown role {role!r}") from error
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise StaffAccountError(f"invalid e-mail address: {error}") from error
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffAccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")

    points = [session.get(ServicePoint, point_id) for point_id in point_ids]
    missing = [pid for pid, point in zip(point_ids, points, strict=True) if point is None]
    if missing:
        raise StaffAccountError(f"unknown service point: {', '.join(missing)}")
    if role_value is Role.ADVISOR and not points:
        raise StaffAccountError("an advisor needs at least one --point")
    if role_value is Role.COUNCIL and (points or agency_id or expert_key):
        raise StaffAccountError("a council account sees the whole region's figures only")
    expert = None
    if expert_key is not None:
        expert = session.scalar(select(Expert).where(Expert.key == expert_key))
        if expert is None:
            raise StaffAccountError(f"unknown expert {expert_key!r}")
        agency_id = agency_id or expert.agency_id
    if role_value is Role.EXPERT and (agency_id is None or session.get(Agency, agency_id) is None):
        raise StaffAccountError("an expert needs a known --agency")

    account = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if account is None:
        account = StaffUser(email=email)
        session.add(account)
    account.role = role_value
    account.display_name = display_name or account.display_name or email.split("@")[0]
    account.password_hash = generate_password_hash(password)
    account.agency_id = agency_id if role_value is Role.EXPERT else None
    account.expert_id = expert.id if expert is not None else account.expert_id
    account.points = points
    account.active = True
    session.flush()
    return account


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of the account begun so far (sign-out). The caller commits.

    Sessions carry the account's generation; raising it makes them all stale."""
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == user_id)
        .values(session_generation=StaffUser.session_generation + 1)
    )
