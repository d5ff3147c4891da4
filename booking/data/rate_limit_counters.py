"""Rate-limit counters in the app's own database, shared by every worker and server.

One row per limit and client in the current window: a fixed window that
starts at its first hit and ends ``expiry`` seconds later.  A hit is one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, atomic on SQLite
(one writer at a time) and on PostgreSQL (the conflicting row is locked), so
two workers never both see the last allowed hit.  The client's address is
kept only inside a hash of the key.  Ended windows are deleted by the
scheduler (:func:`delete_ended_windows`); until then they read as empty.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Connection, Integer, String, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from booking.data.base import Base
from booking.data.column_types import UTCDateTime


class RateLimitCounter(Base):
    """Hits of one rate limit by one client in the window that ends at ``window_ends_at``."""

    __tablename__ = "rate_limit_counter"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    window_ends_at: Mapped[datetime] = mapped_column(index=True)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def count_hit(
    connection: Connection, key: str, *, expiry_seconds: float, amount: int, now: datetime
) -> int:
    """Add ``amount`` hits to ``key``'s window (a new window if it ended) and return its total.

    The caller's transaction commits."""
    table = RateLimitCounter.__table__
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
    ended = table.c.window_ends_at <= now
    window_ends_at = literal(now + timedelta(seconds=expiry_seconds), UTCDateTime())
    statement = (
        insert(table)
        .values(
            key_hash=key_hash(key),
            hits=amount,
            window_ends_at=window_ends_at,
        )
        .on_conflict_do_update(
            index_elements=[table.c.key_hash],
            set_={
                "hits": case((ended, amount), else_=table.c.hits + amount),
                "window_ends_at": case((ended, window_ends_at), else_=table.c.window_ends_at),
            },
        )
        .returning(table.c.hits)
    )
    return connection.execute(statement).scalar_one()


def current_window(connection: Connection, key: str, *, now: datetime) -> tuple[int, datetime]:
    """(hits, end) of ``key``'s window; (0, now) when it has none or it ended."""
    row = connection.execute(
        select(RateLimitCounter.hits, RateLimitCounter.window_ends_at).where(
            RateLimitCounter.key_hash == key_hash(key), RateLimitCounter.window_ends_at > now
        )
    ).first()
    return (row.hits, row.window_ends_at) if row else (0, now)


def forget(connection: Connection, key: str | None = None) -> int:
    """Delete ``key``'s window, or every window when no key is given; return how many."""
    statement = delete(RateLimitCounter)
    if key is not None:
        statement = statement.where(RateLimitCounter.key_hash == key_hash(key))
    return connection.execute(statement).rowcount


def delete_ended_windows(connection: Connection, *, now: datetime) -> int:
    """Delete the windows that ended by ``now``; return how many."""
    return connection.execute(
        delete(RateLimitCounter).where(RateLimitCounter.window_ends_at <= now)
    ).rowcount
