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


def lock_name(session: Session, name: str, *, kind: bytes) -> bool:
    """Wait until no other transaction holds ``name`` of ``kind``, then hold it until
    this transaction ends; True if a lock was taken (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    digest = hashlib.blake2b(name.encode(), digest_size=8, person=kind).digest()
    session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest, "big", signed=True))))
    return True
