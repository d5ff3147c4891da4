"""Registering a calendar signal for a PostgreSQL database (``booking calendar-signal``).

A registered signal lets cache hits skip the stamp's round trip on PostgreSQL
as they do on SQLite (``booking.data.calendar_signal``).  It is right only
where every process that writes the database runs on one machine: the file
is that machine's.  So the database keeps the file's path and a token the
file holds too; every transaction that raised a revision reads them as it
commits, sharing the row's lock, and a process without that file (another
machine) is refused.

- Registering takes the row's lock whole, so it waits for every writer
  committing, writes a new token into the file, then into the row; a writer
  that began before it reads the registration, and marks the file, as it
  commits.
- Unregistering clears the file's token before the row's, so no reader trusts
  counts that writers no longer raise.  It must run where the file is; for a
  machine gone for good (its processes with it), ``lost`` clears the row alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from booking.data.calendar_models import CalendarSignal
from booking.data.calendar_signal import file_token, write_file_token

#: How long registering waits for writers under way, by default.
WAIT_SECONDS = 30


class RegistrationRefused(Exception):
    """Why the signal's registration was left as it was."""


@dataclass(frozen=True)
class Registration:
    path: str | None
    token: int | None
    #: The token the file at ``path`` holds on this machine (None: no such file).
    here: int | None

    @property
    def registered(self) -> bool:
        return bool(self.token)

    @property
    def reachable(self) -> bool:
        return self.registered and self.here == self.token


def registration(session: Session) -> Registration:
    row = session.execute(select(CalendarSignal.path, CalendarSignal.token)).one_or_none()
    return _as_registration(*(row if row is not None else (None, None)))


def _as_registration(path: str | None, token: int | None) -> Registration:
    return Registration(path, token, file_token(path) if path else None)


def register_signal(session: Session, path: str, *, wait_seconds: float = WAIT_SECONDS) -> str:
    """Register the file at ``path`` (made when missing) and commit; what was done."""
    current = _locked(session, wait_seconds)
    if current.registered:
        if current.path == path and current.reachable:
            session.rollback()
            return f"The calendar signal is registered at {path} already."
        session.rollback()
        raise RegistrationRefused(
            f"A calendar signal is registered at {current.path} already: unregister it"
            " first, on the machine that has that file."
        )
    token = secrets.randbits(62) + 1
    write_file_token(path, token)
    session.execute(
        update(CalendarSignal).where(CalendarSignal.id == 1).values(path=path, token=token)
    )
    session.commit()
    return f"The calendar signal is registered at {path}."


def unregister_signal(
    session: Session, *, lost: bool = False, wait_seconds: float = WAIT_SECONDS
) -> str:
    """Unregister the signal and commit; what was done."""
    current = _locked(session, wait_seconds)
    if not current.registered:
        session.rollback()
        return "No calendar signal is registered."
    if current.reachable:
        write_file_token(current.path, 0)
    elif not lost:
        session.rollback()
        raise RegistrationRefused(
            f"The registered file {current.path} is not on this machine (or is not the"
            " registered one): unregister on the machine that has it, or, if that machine"
            " and every process on it are gone for good, with --lost."
        )
    session.execute(
        update(CalendarSignal).where(CalendarSignal.id == 1).values(path=None, token=None)
    )
    session.commit()
    return f"The calendar signal at {current.path} is unregistered."


def _locked(session: Session, wait_seconds: float) -> Registration:
    """The registration, its row locked whole for this transaction: waits for every
    writer under way, at most ``wait_seconds``."""
    if session.get_bind().dialect.name != "postgresql":
        raise RegistrationRefused(
            "Only PostgreSQL registers a calendar signal: SQLite shares the file beside it"
            " by itself."
        )
    session.execute(text(f"SET LOCAL lock_timeout = {int(wait_seconds * 1000)}"))
    try:
        row = session.execute(
            select(CalendarSignal.path, CalendarSignal.token)
            .where(CalendarSignal.id == 1)
            .with_for_update()
        ).one_or_none()
    except OperationalError as error:
        session.rollback()
        raise RegistrationRefused(
            f"Changes under way kept the registration waiting over {wait_seconds:g} s;"
            " nothing was changed. Try again."
        ) from error
    if row is None:
        session.rollback()
        raise RegistrationRefused("The database has no calendar_signal row: run booking setup.")
    return _as_registration(*row)
