"""Locks on a name for the rest of a transaction, shared by every process on the database.

On PostgreSQL a transaction-level advisory lock on a 64-bit hash of the name (the name
itself is not kept, so a phone number can be one).  On SQLite there is nothing to take:
every writing transaction already holds the database's only write lock (BEGIN
IMMEDIATE).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

#: The kind of a number's lock (see :func:`lock_number`).
NUMBER_LOCK = b"booking-phone"


def lock_name(session: Session, name: str, *, kind: bytes) -> bool:
    """Wait until no other transaction holds ``name`` of ``kind``, then hold it until
    this transaction ends; True if a lock was taken (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    digest = hashlib.blake2b(name.encode(), digest_size=8, person=kind).digest()
    session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest, "big", signed=True))))
    return True


def lock_number(session: Session, number: str) -> bool:
    """Hold the lock of a mobile number (or of the e-mail address a booking without one
    is sent to) until the transaction ends: what is counted per number — coming
    appointments, codes, the day's SMS — is counted by one transaction at a time,
    whichever points and agencies they touch.  Taken again in one transaction, it is
    simply held on; take it after any calendar lock, never before one."""
    return lock_name(session, number.strip().lower(), kind=NUMBER_LOCK)
