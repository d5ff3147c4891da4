"""Checking a staff member's password, with lockout after repeated failures.

Failed attempts are counted on the account; after ``MAX_FAILED_SIGN_INS`` in a
row the account is locked for ``LOCKOUT`` (even the right password is refused
meanwhile).  Together with the per-address rate limit on the sign-in form this
makes guessing slow.  The caller commits, also after a refusal, so that the
count is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from booking.data.models import StaffUser

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)


class SignInRefused(Exception):
    """Wrong e-mail or password (``locked_until`` None), or the account is locked."""

    def __init__(self, account: StaffUser | None, locked_until: datetime | None = None):
        super().__init__("sign-in refused")
        self.account = account
        self.locked_until = locked_until


@cache
def _unused_hash() -> str:
    return generate_password_hash("not a password of anyone")


def authenticate(session: Session, email: str, password: str, *, now: datetime) -> StaffUser:
    """The active account with this e-mail and password. Raises SignInRefused."""
    account = session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )
    if account is None or not account.active:
        check_password_hash(_unused_hash(), password)  # answer unknown e-mails as slowly
        raise SignInRefused(None)
    if account.locked_until is not None and account.locked_until > now:
        raise SignInRefused(account, account.locked_until)
    if not check_password_hash(account.password_hash, password):
        account.failed_logins = (account.failed_logins or 0) + 1
        if account.failed_logins >= MAX_FAILED_SIGN_INS:
            account.failed_logins = 0
            account.locked_until = now + LOCKOUT
            raise SignInRefused(account, account.locked_until)
        raise SignInRefused(account)
    account.failed_logins = 0
    account.locked_until = None
    return account
