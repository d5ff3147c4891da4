"""Checking a staff member's password, with growing delays after repeated failures.

Failures are counted per (e-mail as typed, client address), in the database so
that every worker and server sees them.  After ``FREE_FAILURES`` failures in a
row, the pair must wait 2, 4, 8 … seconds (at most ``LONGEST_WAIT``) before
its next attempt is even checked.  An attacker guessing from one address slows
only herself: the account's owner, signing in from her own address, is never
locked out.  Together with the per-address rate limit on the sign-in form this
makes guessing slow.

Unknown e-mails, inactive accounts, wrong passwords and waiting pairs all get
the same refusal after the same work: a password hash is checked every time.
The caller commits, also after a refusal, so that the count is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from hashlib import sha256

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from booking.data.models import StaffUser
from booking.data.sign_in_models import SignInThrottle

#: Failures in a row that cost nothing; after them each one doubles the wait.
FREE_FAILURES = 3
LONGEST_WAIT = timedelta(minutes=15)
#: A pair's count is forgotten after a day without failures.
FORGET_AFTER = timedelta(days=1)


class SignInRefused(Exception):
    """Wrong e-mail or password; ``retry_at`` is set when this pair must wait until then."""

    def __init__(self, account: StaffUser | None, retry_at: datetime | None = None):
        super().__init__("sign-in refused")
        self.account = account
        self.retry_at = retry_at


@cache
def _unused_hash() -> str:
    return generate_password_hash("not a password of anyone")


def throttle_key(email: str, address: str) -> str:
    return sha256(f"{email.strip().lower()}\n{address}".encode()).hexdigest()


def wait_after(failures: int) -> timedelta:
    """How long a pair waits after ``failures`` failures in a row."""
    beyond = failures - FREE_FAILURES
    if beyond <= 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(beyond, 20)), LONGEST_WAIT)


def authenticate(
    session: Session, email: str, password: str, *, address: str, now: datetime
) -> StaffUser:
    """The active account with this e-mail and password. Raises SignInRefused."""
    account = session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )
    if account is not None and not account.active:
        account = None
    # Always one hash check, so that every refusal takes as long as any other.
    password_hash = account.password_hash if account is not None else _unused_hash()
    password_right = check_password_hash(password_hash, password) and account is not None
    key = throttle_key(email, address)
    throttle = session.get(SignInThrottle, key)
    if throttle is not None and throttle.blocked_until is not None and throttle.blocked_until > now:
        raise SignInRefused(account, throttle.blocked_until)  # not even checked: not counted
    if password_right:
        session.execute(delete(SignInThrottle).where(SignInThrottle.key_hash == key))
        return account
    raise SignInRefused(account, _count_failure(session, key, now=now))


def _count_failure(session: Session, key: str, *, now: datetime) -> datetime | None:
    """Add one failure to the pair's count; returns until when it must now wait."""
    # Insert-or-keep, then lock: concurrent failures of one pair from two workers both count.
    dialect_insert = (
        postgresql_insert if session.get_bind().dialect.name == "postgresql" else (sqlite_insert)
    )
    session.execute(
        dialect_insert(SignInThrottle)
        .values(key_hash=key, failures=0, last_failed_at=now)
        .on_conflict_do_nothing()
    )
    throttle = session.get(SignInThrottle, key, with_for_update=True, populate_existing=True)
    if throttle.last_failed_at < now - FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failed_at = now
    wait = wait_after(throttle.failures)
    throttle.blocked_until = now + wait if wait else None
    # Counts of pairs quiet for a day are forgotten, so that the table stays small.
    session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.last_failed_at < now - FORGET_AFTER, SignInThrottle.key_hash != key
        )
    )
    session.flush()
    return throttle.blocked_until
