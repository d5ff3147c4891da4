"""The calendar signal: a cheap "nothing changed here since" beside the database.

A cached availability answer is served only while its stamp (the revisions it
rests on, ``booking.data.calendar_stamps``) is unchanged, and reading the stamp
is a database round trip.  The signal lets a hit skip it.  It is shared by
every process using the database, in *slots*: one for the region and one for
each point or agency scope (hashed into a fixed number).  A slot has

- a *count*, raised by every transaction that raises a revision of the slot,
  before it commits;
- a *being written* mark: a lock the transaction holds on the slot's byte from
  before it raises the count until it has ended (committed or not).  The
  kernel drops it when the transaction's file is closed, also when its process
  dies.

A writer marks, raises the count, commits, and lets go of the mark.  A reader
reads the counts of an answer's slots (region, point, agency), then looks for
marks, then reads the stamp.  When no slot was marked and the stamp equals the
answer's, the answer is current for those counts: every commit before the look
for marks had raised its count before it, and let go of its mark after it.  So
while later readings give the same counts, with no mark, the answer may be
sent without the round trip.  A writer that dies after raising a count leaves
the count raised: readers go to the stamp once and find what it committed, if
anything.

Where the signal lives:

- SQLite: a file beside the database (``<database>-signal``).  Every process
  using a SQLite database is on its machine, so every writer shares it.  Counts
  are read and raised under ``flock``; the marks are open-file-description
  locks (Linux), one file opened per writing transaction.
- Any other database (PostgreSQL), or without such locks: none.  A database
  server's clients may stand on several machines, and a signal one of them
  missed would serve a stale time; every hit reads the stamp.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import sys
import threading
import zlib
from collections.abc import Iterable

from sqlalchemy import Engine

from booking.data.per_engine import PerEngine

#: Slot 0 is the region's; scopes hash into the others.
SLOTS = 1024
REGION_SLOT = 0
_COUNT = struct.Struct("<q")
#: The marks are locks on single bytes from here on (a lock may lie past the end).
_MARKS_AT = 1 << 20
#: ``struct flock`` on Linux: type, whence, start, length, pid (0 for these locks).
_FLOCK = struct.Struct("hh4xqqi4x")
_HAS_FILE_LOCKS = sys.platform == "linux" and hasattr(fcntl, "F_OFD_SETLK")

#: The identity of the signal's file (device, inode) and the counts a reader saw there
#: of some slots, none of them marked.
Quiet = tuple[int, ...]


def scope_slot(scope: str) -> int:
    """The slot of a point or agency scope (``p:…``, ``a:…``)."""
    return 1 + zlib.crc32(scope.encode()) % (SLOTS - 1)


class Writing:
    """A transaction's marks: ``add`` before it raises revisions of slots, ``close``
    once it has ended."""

    def add(self, _slots: Iterable[int]) -> None:
        pass

    def close(self) -> None:
        pass


class NoSignal:
    """For databases whose writers may not all share a file: never quiet."""

    shared = False

    def quiet(self, _slots: tuple[int, ...]) -> Quiet | None:
        return None

    def writing(self) -> Writing:
        return Writing()


class FileSignal:
    """The slots in a file every process of the machine opens (see the module)."""

    shared = True

    def __init__(self, path: str):
        self.path = path
        self.local = threading.local()

    def quiet(self, slots: tuple[int, ...]) -> Quiet | None:
        """The slots' counts, read before looking for marks; None when one is marked
        (or the file cannot be read)."""
        try:
            descriptor, identity = self._descriptor()
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            try:
                counts = tuple(_count(descriptor, slot) for slot in slots)
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
            if any(_marked(descriptor, slot) for slot in slots):
                return None
        except OSError:
            return None
        return (*identity, *counts)  # counts of another file never match

    def writing(self) -> FileWriting:
        return FileWriting(self.path)

    def _descriptor(self) -> tuple[int, tuple[int, int]]:
        """This thread's own descriptor for reading (``flock`` locks belong to an open
        file, so threads and forked processes each need their own), and the identity
        of its file; opened again when the path names another file now."""
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            now = os.stat(self.path)
            if (now.st_dev, now.st_ino) == held[2]:
                return held[1], held[2]
            os.close(held[1])
        descriptor = _open(self.path)
        opened = os.fstat(descriptor)
        self.local.held = (os.getpid(), descriptor, (opened.st_dev, opened.st_ino))
        return descriptor, self.local.held[2]

    def __del__(self):
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            with contextlib.suppress(OSError):
                os.close(held[1])


class FileWriting(Writing):
    """One transaction's marks, on a file of its own: closing it lets go of them all."""

    def __init__(self, path: str):
        self.path = path
        self.descriptor: int | None = None
        self.slots: set[int] = set()

    def add(self, slots: Iterable[int]) -> None:
        new = sorted(set(slots) - self.slots)
        if not new:
            return
        if self.descriptor is None:
            self.descriptor = _open(self.path)
        for slot in new:  # the mark first, then the count
            lock = _FLOCK.pack(fcntl.F_RDLCK, os.SEEK_SET, _MARKS_AT + slot, 1, 0)
            fcntl.fcntl(self.descriptor, fcntl.F_OFD_SETLK, lock)
        self.slots.update(new)
        fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        try:
            for slot in new:
                raised = _COUNT.pack(_count(self.descriptor, slot) + 1)
                os.pwrite(self.descriptor, raised, slot * _COUNT.size)
        finally:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)
            self.descriptor = None

    def __del__(self):  # a session dropped mid-transaction: its connection rolled back
        with contextlib.suppress(OSError):
            self.close()


def _open(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


def _count(descriptor: int, slot: int) -> int:
    raw = os.pread(descriptor, _COUNT.size, slot * _COUNT.size)
    return _COUNT.unpack(raw)[0] if len(raw) == _COUNT.size else 0  # never raised: 0


def _marked(descriptor: int, slot: int) -> bool:
    """Whether a transaction (on another open file) holds the slot's mark."""
    probe = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, _MARKS_AT + slot, 1, 0)
    found = fcntl.fcntl(descriptor, fcntl.F_OFD_GETLK, probe)
    return _FLOCK.unpack(found)[0] != fcntl.F_UNLCK


def signal_of_engine(engine: Engine) -> FileSignal | NoSignal:
    """The signal every process using ``engine``'s database shares."""
    return _signals.of(engine)


def _signal_for(engine: Engine) -> FileSignal | NoSignal:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return NoSignal()
    if database.startswith("file:") or not _HAS_FILE_LOCKS:  # a URI filename: not a path
        return NoSignal()
    return FileSignal(os.path.realpath(database) + "-signal")


_signals = PerEngine(_signal_for)
