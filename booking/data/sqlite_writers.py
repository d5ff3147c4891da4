"""SQLite's writers wait their turn in the kernel, not in SQLite's busy loop.

SQLite lets one transaction write at a time.  A writer that finds the lock taken
sleeps in SQLite's busy handler (1, 2, 5, 10 ... 100 ms) and looks again, so under
load the lock often lies free while every waiter sleeps.  Here a write transaction
first takes an exclusive ``flock`` on a file beside the database (``<file>-writers``)
and keeps it until it ends; the kernel wakes the next waiter the moment it is let
go.  SQLite's own lock still decides who writes: the turn only orders this
project's writers.  A thread that already holds a turn through another connection
does not wait for one (it would wait for itself); SQLite's busy timeout then
answers it, as before.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading


class _Turns(threading.local):
    """Each thread's turns: the queue files it holds a turn on."""

    def __init__(self):
        self.paths: set[str] = set()


_turns_held = _Turns()


def queue_file(database: str) -> str | None:
    """The file the writers of ``database`` queue on; None for an in-memory database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-writers"


class QueuedWriterConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions wait their turn on a file lock
    (:meth:`wait_for_turn`); a commit, a rollback or closing ends the turn."""

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        self._queue_path = queue_file(os.fspath(database))
        self._queue_fd: int | None = None
        self._queue_pid = 0
        self._in_turn = False

    def wait_for_turn(self) -> None:
        """Block until no other writer of this database holds its turn; then hold it."""
        if self._queue_path is None or self._in_turn:
            return
        held = _turns_held.paths
        if self._queue_path in held:
            return
        if self._queue_fd is None or self._queue_pid != os.getpid():
            # A forked child opens its own: a shared descriptor is one shared lock.
            self._queue_fd = os.open(self._queue_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._queue_pid = os.getpid()
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
        self._in_turn = True
        held.add(self._queue_path)

    def end_turn(self) -> None:
        if self._in_turn:
            self._in_turn = False
            _turns_held.paths.discard(self._queue_path)
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()
            if self._queue_fd is not None and self._queue_pid == os.getpid():
                os.close(self._queue_fd)
            self._queue_fd = None
