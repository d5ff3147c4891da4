"""The calendar signal: a cheap "nothing changed here since" beside the database.

A cached availability answer is served only while its stamp (the revisions it
rests on, ``booking.data.calendar_stamps``) is unchanged, and reading the stamp
is a database round trip.  The signal lets a hit skip it.  It is a set of
counters every process using the database shares: *slots*, one for the region
and one for each point or agency scope (hashed into a fixed number).  Each slot
holds two numbers:

- ``writing``: transactions that have raised a revision of the slot and not
  ended yet (raised when the revision is, before the commit);
- ``ended``: how many such transactions have ended (raised after the commit,
  together with ``writing`` falling by one).

A reader reads the slots of an answer (region, point, agency) *before* reading
its stamp.  When none of them is being written and the stamp read afterwards
equals the answer's, the answer is current for that reading of the slots:
every change that had committed is in the stamp, and every later one will
raise ``ended`` (or show in ``writing`` until it does).  So while a later
reading of the slots is the same, with nothing being written, the answer may
be sent without the round trip.  A slot read while being written sends the
reader to the stamp, as before.

Where the counters live:

- SQLite: a small file beside the database (``<database>-signal``).  Every
  process using a SQLite database is on its machine, so every writer shares it.
  Reads and writes take ``flock`` (shared or exclusive) on it.
- Any other database (PostgreSQL): none.  Its servers may stand on several
  machines, and a signal one of them missed would serve a stale time; every
  hit reads the stamp.

A process that dies between a revision and the end of its transaction leaves
its slots "being written": readers of those slots then read the stamp on each
request (correct, only slower) until the file is removed while no process
uses the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import threading
import zlib
from collections.abc import Iterable

from sqlalchemy import Engine

from booking.data.per_engine import PerEngine

#: Slot 0 is the region's; scopes hash into the others.
SLOTS = 1024
_SLOT = struct.Struct("<qq")  # ended, writing
_REGION_SLOT = 0

#: What a reader saw of some slots when none was being written: their ``ended`` counts.
Quiet = tuple[int, ...]


def region_slot() -> int:
    return _REGION_SLOT


def scope_slot(scope: str) -> int:
    """The slot of a point or agency scope (``p:…``, ``a:…``)."""
    return 1 + zlib.crc32(scope.encode()) % (SLOTS - 1)


class NoSignal:
    """For databases whose writers may not all share a file: never quiet."""

    def quiet(self, _slots: tuple[int, ...]) -> Quiet | None:
        return None

    def begin(self, _slots: Iterable[int]) -> None:
        pass

    def end(self, _slots: Iterable[int]) -> None:
        pass


class FileSignal:
    """The slots in a file every process of the machine opens (see the module)."""

    def __init__(self, path: str):
        self.path = path
        self.local = threading.local()

    def quiet(self, slots: tuple[int, ...]) -> Quiet | None:
        """The slots' ``ended`` counts, or None when one is being written (or the
        file cannot be read)."""
        try:
            descriptor = self._descriptor()
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            try:
                read = [_read_slot(descriptor, slot) for slot in slots]
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        except OSError:
            return None
        if any(writing for _ended, writing in read):
            return None
        return tuple(ended for ended, _writing in read)

    def begin(self, slots: Iterable[int]) -> None:
        """A transaction raises revisions of ``slots``: they are being written."""
        self._change(slots, ended=0, writing=1)

    def end(self, slots: Iterable[int]) -> None:
        """That transaction has ended (committed or not)."""
        self._change(slots, ended=1, writing=-1)

    def _change(self, slots: Iterable[int], *, ended: int, writing: int) -> None:
        descriptor = self._descriptor()
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            for slot in sorted(set(slots)):
                old_ended, old_writing = _read_slot(descriptor, slot)
                new = _SLOT.pack(old_ended + ended, max(0, old_writing + writing))
                os.pwrite(descriptor, new, slot * _SLOT.size)
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        """This thread's own descriptor (``flock`` locks belong to an open file, so
        threads and forked processes each need their own)."""
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self.local.held = (os.getpid(), descriptor)
        return descriptor

    def __del__(self):
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            with contextlib.suppress(OSError):
                os.close(held[1])


def _read_slot(descriptor: int, slot: int) -> tuple[int, int]:
    raw = os.pread(descriptor, _SLOT.size, slot * _SLOT.size)
    return _SLOT.unpack(raw) if len(raw) == _SLOT.size else (0, 0)  # never written: 0, 0


def signal_of_engine(engine: Engine) -> FileSignal | NoSignal:
    """The signal every process using ``engine``'s database shares."""
    return _signals.of(engine)


def _signal_for(engine: Engine) -> FileSignal | NoSignal:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return NoSignal()
    if database.startswith("file:"):  # a URI filename: not a plain path
        return NoSignal()
    return FileSignal(os.path.realpath(database) + "-signal")


_signals = PerEngine(_signal_for)
