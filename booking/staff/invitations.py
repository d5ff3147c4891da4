"""Staff accounts managed by administrators: invite by e-mail, change access, deactivate,
send a one-time link to set the password.

Who may do what: an administrator of the whole region manages every account; an
administrator limited to some points manages only advisors and administrators of
those points, and grants nothing beyond them; nobody changes her own access.
Each use case writes its audit entry and, for a link, its e-mail to the outbox,
in the caller's transaction: it flushes and never commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from booking.data.enums import MessageChannel, MessageKind, Role
from booking.data.models import Agency, OutboxMessage, ServicePoint, StaffUser
from booking.data.sign_in_models import StaffPasswordLink
from booking.staff.access import is_region_admin
from booking.staff.accounts import MIN_PASSWORD_LENGTH, end_sessions
from booking.staff.audit import AuditAction, record

LINK_LIFETIME = timedelta(days=3)
LANGUAGES = ("fi", "sv", "en")


def N_(msgid: str) -> str:
    """Marks ``msgid`` for translation; the page translates it."""
    return msgid


class StaffChangeRefused(Exception):
    """Not done; ``msgid`` (English, translated by the page) says why, on ``field``."""

    def __init__(self, msgid: str, *, field: str | None = None, params=None):
        self.msgid, self.field, self.params = msgid, field, dict(params or {})
        super().__init__(msgid)


def manageable(actor: StaffUser, account: StaffUser) -> bool:
    """May ``actor`` see and change ``account``?"""
    if actor.role is not Role.ADMIN or not actor.active:
        return False
    if is_region_admin(actor):
        return True
    mine = {point.id for point in actor.points}
    theirs = {point.id for point in account.points}
    return account.role in (Role.ADVISOR, Role.ADMIN) and bool(theirs) and theirs <= mine


def invite_staff(
    session: Session,
    actor: StaffUser,
    *,
    email: str,
    display_name: str,
    role: Role,
    point_ids: Sequence[str],
    agency_id: str | None,
    language: str,
    now: datetime,
    link_for: Callable[[str], str],
) -> StaffUser:
    """A new account that cannot sign in until its owner sets a password through the
    link e-mailed to her."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise StaffChangeRefused(N_("Check the e-mail address."), field="email") from error
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise StaffChangeRefused(
            N_("An account with this e-mail address already exists."), field="email"
        )
    points, agency_id = _grant(session, actor, role, point_ids, agency_id)
    account = StaffUser(
        email=email,
        display_name=" ".join(display_name.split())[:120] or email.split("@")[0],
        # Matches no password: the account opens only through the link.
        password_hash="!" + secrets.token_hex(16),
        role=role,
        agency_id=agency_id,
        points=points,
        language=language if language in LANGUAGES else "fi",
        active=True,
    )
    session.add(account)
    session.flush()
    _record_staff_change(session, actor.id, email, f"invited as {_access(account)}", now)
    send_password_link(session, actor, account, now=now, link_for=link_for)
    return account


def change_access(
    session: Session,
    actor: StaffUser,
    account: StaffUser,
    *,
    role: Role,
    point_ids: Sequence[str],
    agency_id: str | None,
    now: datetime,
) -> StaffUser:
    """Give the account this role with these points or this agency."""
    _may_change(actor, account)
    before = _access(account)
    points, agency_id = _grant(session, actor, role, point_ids, agency_id)
    account.role, account.points, account.agency_id = role, points, agency_id
    if role is not Role.EXPERT:
        account.expert_id = None
    session.flush()
    after = _access(account)
    if after != before:
        end_sessions(session, account.id)  # the new access applies from the next sign-in
        _record_staff_change(session, actor.id, account.email, f"{before} → {after}", now)
    return account


def set_active(
    session: Session, actor: StaffUser, account: StaffUser, active: bool, *, now: datetime
) -> StaffUser:
    """Deactivate the account (its sessions end at once) or make it active again."""
    _may_change(actor, account)
    if account.active != active:
        account.active = active
        if not active:
            end_sessions(session, account.id)
            _expire_links(session, account.id, now)
        state = "active" if active else "deactivated"
        _record_staff_change(session, actor.id, account.email, state, now)
    session.flush()
    return account


def send_password_link(
    session: Session,
    actor: StaffUser,
    account: StaffUser,
    *,
    now: datetime,
    link_for: Callable[[str], str],
) -> StaffPasswordLink:
    """A new one-time link to set the password, e-mailed through the outbox; earlier
    unused links stop working."""
    if not manageable(actor, account):
        raise StaffChangeRefused(N_("You cannot manage this account."))
    if not account.active:
        raise StaffChangeRefused(N_("The account is deactivated."))
    _expire_links(session, account.id, now)
    token = secrets.token_urlsafe(32)
    link = StaffPasswordLink(
        user_id=account.id, token_hash=_hash(token), created_at=now, expires_at=now + LINK_LIFETIME
    )
    session.add(link)
    session.flush()
    session.add(
        OutboxMessage(
            idempotency_key=f"staff-link:{link.id}",
            kind=MessageKind.STAFF_LINK,
            channel=MessageChannel.EMAIL,
            recipient=account.email,
            language=account.language,
            due_at=now,
            created_at=now,
            attempts=0,
            manage_url=link_for(token),  # cleared once the message is settled
        )
    )
    _record_staff_change(session, actor.id, account.email, "password link sent", now)
    session.flush()
    return link


def account_for_link(session: Session, token: str, now: datetime) -> StaffUser | None:
    """The active account whose unused, unexpired link this is, or None."""
    link = _link(session, token, now)
    return None if link is None else session.get(StaffUser, link.user_id)


def set_password_with_link(session: Session, token: str, password: str, *, now: datetime):
    """Set the password through the link, which then stops working."""
    link = _link(session, token, now)
    if link is None:
        raise StaffChangeRefused(N_("This link has expired or has already been used."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffChangeRefused(
            N_("The password needs at least %(count)s characters."),
            field="password",
            params={"count": MIN_PASSWORD_LENGTH},
        )
    account = session.get(StaffUser, link.user_id)
    account.password_hash = generate_password_hash(password)
    link.used_at = now
    end_sessions(session, account.id)
    _record_staff_change(session, account.id, account.email, "password set through a link", now)
    session.flush()
    return account


def _may_change(actor: StaffUser, account: StaffUser) -> None:
    if account.id == actor.id:
        raise StaffChangeRefused(N_("You cannot change your own access."), field="role")
    if not manageable(actor, account):
        raise StaffChangeRefused(N_("You cannot manage this account."), field="role")


def _grant(session, actor, role, point_ids, agency_id):
    """The points and agency the account gets, checked against what ``actor`` may grant."""
    points = [session.get(ServicePoint, point_id) for point_id in dict.fromkeys(point_ids)]
    if any(point is None or not point.active for point in points):
        raise StaffChangeRefused(N_("Choose the service points from the list."), field="points")
    if role is Role.ADVISOR and not points:
        raise StaffChangeRefused(N_("An advisor needs at least one service point."), field="points")
    if role is Role.EXPERT:
        if agency_id is None or session.get(Agency, agency_id) is None:
            raise StaffChangeRefused(N_("An expert needs an agency."), field="agency")
        points = []
    else:
        agency_id = None
    if role is Role.COUNCIL:
        points = []
    if not is_region_admin(actor):
        mine = {point.id for point in actor.points}
        if role not in (Role.ADVISOR, Role.ADMIN) or not points:
            raise StaffChangeRefused(
                N_("You can give only the role of advisor or administrator of your own points."),
                field="role",
            )
        if not {point.id for point in points} <= mine:
            raise StaffChangeRefused(N_("You can give only your own points."), field="points")
    return points, agency_id


def _access(account: StaffUser) -> str:
    where = ",".join(sorted(point.id for point in account.points))
    if account.role is Role.EXPERT:
        where = account.agency_id or ""
    return f"{account.role.value}[{where or 'region'}]"


def _link(session: Session, token: str, now: datetime) -> StaffPasswordLink | None:
    if not token or len(token) > 100:
        return None
    link = session.scalar(
        select(StaffPasswordLink).where(StaffPasswordLink.token_hash == _hash(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    account = session.get(StaffUser, link.user_id)
    return link if account is not None and account.active else None


def _expire_links(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(StaffPasswordLink)
        .where(StaffPasswordLink.user_id == user_id, StaffPasswordLink.used_at.is_(None))
        .values(used_at=now)
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _record_staff_change(
    session: Session, actor_id: int | None, email: str, what: str, now: datetime
) -> None:
    """One audit entry of a change to a staff account (the detail kept within 500 characters)."""
    record(
        session,
        user_id=actor_id,
        action=AuditAction.CHANGE_STAFF,
        now=now,
        detail=f"staff {email}: {what}"[:500],
    )
