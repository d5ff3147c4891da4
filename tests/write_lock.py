"""A write from another connection that waits for no lock: proves a search holds none."""

from __future__ import annotations

from sqlalchemy import Engine, text

from booking.data.sessions import read_only


def write_from_elsewhere(engine: Engine) -> None:
    """A write on another connection; fails at once while someone holds the write lock."""
    with read_only(), engine.connect() as other:
        if engine.dialect.name == "sqlite":
            other.exec_driver_sql("PRAGMA busy_timeout=0")
        else:
            other.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
        other.execute(text("UPDATE calendar_revision SET value = value WHERE id = 1"))
        other.rollback()
