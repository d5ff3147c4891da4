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
- PostgreSQL: none, unless a file is *registered* in the database
  (``booking.data.signal_registration``): its path and a token, which the file
  holds too.  A database server's clients may stand on several machines, and a
  signal one of them missed would serve a stale time; so every transaction that
  raised a revision reads the registration as it commits (sharing its row's
  lock, which registering takes whole) and marks the file then, and one whose
  machine does not have that file with that token is refused
  (:class:`SignalUnreachable`).  A reader trusts its
  counts only while the file still holds the token the stamp it read last
  named: unregistering clears the file's token before it commits.
- Anything else, or without such locks: none; every hit reads the stamp.
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

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from booking.data.calendar_models import CalendarSignal
from booking.data.per_engine import PerEngine

#: Slot 0 is the region's; scopes hash into the others.
SLOTS = 1024
REGION_SLOT = 0
_COUNT = struct.Struct("<q")
#: A registered file keeps its token (0: none) where the count of this slot would be,
#: and after it these bytes, which registering writes: a process writes into a file
#: the database names only when the file says it is a signal (a row changed by hand
#: cannot make it write into another file).
_TOKEN_SLOT = SLOTS
_MAGIC = b"etavaraus calendar signal\n"
#: The marks are locks on single bytes from here on (a lock may lie past the end).
_MARKS_AT = 1 << 20
#: ``struct flock`` on Linux: type, whence, start, length, pid (0 for these locks).
_FLOCK = struct.Struct("hh4xqqi4x")
_HAS_FILE_LOCKS = sys.platform == "linux" and hasattr(fcntl, "F_OFD_SETLK")

#: The identity of the signal's file (device, inode), its token and the counts a reader
#: saw there of some slots, none of them marked.
Quiet = tuple[int, ...]
QUIET_TOKEN = 2


class SignalUnreachable(RuntimeError):
    """A calendar signal is registered, and this process cannot raise its counts: the
    file is not on this machine, or is not the registered one."""


def scope_slot(scope: str) -> int:
    """The slot of a point or agency scope (``p:…``, ``a:…``)."""
    return 1 + zlib.crc32(scope.encode()) % (SLOTS - 1)


class Writing:
    """A transaction's marks: ``add`` before it raises revisions of slots,
    ``committing`` once it has flushed for the last time, just before its commit,
    ``close`` once it has ended.  This one marks nothing."""

    def add(self, _slots: Iterable[int]) -> None:
        pass

    def committing(self) -> None:
        pass

    def close(self) -> None:
        pass


class NoSignal:
    """For databases whose writers may not all share a file: never quiet."""

    shared = False

    def quiet(self, _slots: tuple[int, ...]) -> Quiet | None:
        return None

    def heard(self, _token: int) -> None:
        pass

    def writing(self, _session: Session) -> Writing:
        return Writing()


class FileSignal:
    """The slots in a file every process of the machine opens (see the module)."""

    shared = True

    def __init__(self, path: str, token: int = 0):
        self.path = path
        self.token = token
        self.local = threading.local()

    def quiet(self, slots: tuple[int, ...]) -> Quiet | None:
        """The file's token and the slots' counts, read before looking for marks; None
        when one is marked, the file holds another token, or it cannot be read."""
        try:
            descriptor, identity = self._descriptor()
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            try:
                token = _count(descriptor, _TOKEN_SLOT)
                counts = tuple(_count(descriptor, slot) for slot in slots)
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
            if token != self.token or any(_marked(descriptor, slot) for slot in slots):
                return None
        except OSError:
            return None
        return (*identity, token, *counts)  # counts of another file never match

    def heard(self, _token: int) -> None:
        pass  # SQLite registers nothing: the file beside it is the signal

    def writing(self, _session: Session) -> FileWriting:
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
        if self.token:  # a registered file: read where it is, never made here
            descriptor = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        else:
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
    """One transaction's marks, on a file of its own: closing it lets go of them all.
    ``token``: the file must exist and hold it (a registered file), else
    :class:`SignalUnreachable`; None: the file is made when missing."""

    def __init__(self, path: str, token: int | None = None):
        self.path = path
        self.token = token
        self.descriptor: int | None = None
        self.slots: set[int] = set()

    def add(self, slots: Iterable[int]) -> None:
        new = sorted(set(slots) - self.slots)
        if not new:
            return
        if self.descriptor is None:
            self.descriptor = self._opened()
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

    def _opened(self) -> int:
        if self.token is None:
            return _open(self.path)
        try:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        except OSError as error:
            raise SignalUnreachable(_unreachable(self.path, str(error))) from error
        if _count(descriptor, _TOKEN_SLOT) != self.token or not _is_signal(descriptor):
            os.close(descriptor)
            raise SignalUnreachable(_unreachable(self.path, "it is not the registered file"))
        return descriptor

    def close(self) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)
            self.descriptor = None

    def __del__(self):  # a session dropped mid-transaction: its connection rolled back
        with contextlib.suppress(OSError):
            self.close()


def _unreachable(path: str, why: str) -> str:
    return (
        f"the calendar signal registered in the database is {path}, and this process"
        f" cannot use it ({why}): run this process on the machine that has that file, or"
        " unregister the signal (booking calendar-signal unregister)"
    )


class RegisteredSignal:
    """PostgreSQL's signal: the file registered in the database, once a stamp has named
    its token (see the module); until then, and after it is unregistered, never quiet."""

    shared = True

    def __init__(self, engine: Engine):
        self.engine = engine
        self.file: FileSignal | None = None

    def quiet(self, slots: tuple[int, ...]) -> Quiet | None:
        file = self.file
        return None if file is None else file.quiet(slots)

    def heard(self, token: int) -> None:
        """The registered token as a stamp read just now named it (0: none): the file
        is looked up again when it differs from the one known."""
        file = self.file
        if (file.token if file else 0) == token:
            return
        path = None
        if token:
            with self.engine.connect() as connection:
                path = connection.scalar(
                    select(CalendarSignal.path).where(
                        CalendarSignal.id == 1, CalendarSignal.token == token
                    )
                )
        self.file = FileSignal(path, token) if path else None

    def writing(self, session: Session) -> RegisteredWriting:
        return RegisteredWriting(session)


class RegisteredWriting(Writing):
    """A PostgreSQL transaction's marks, all made as it commits (``committing``, after its
    last flush): it then reads the registration, sharing the row's lock until it has
    ended (so registering waits for it), and marks the registered file's slots, if a
    file is registered.  Not before: a lock taken in a savepoint goes when the
    savepoint is rolled back, and a registration could then slip in unseen."""

    def __init__(self, session: Session):
        self.session = session
        self.file: FileWriting | None = None
        self.slots: set[int] = set()

    def add(self, slots: Iterable[int]) -> None:
        self.slots.update(slots)

    def committing(self) -> None:
        registered = (
            self.session.connection()
            .execute(
                select(CalendarSignal.path, CalendarSignal.token)
                .where(CalendarSignal.id == 1)
                .with_for_update(read=True)
            )
            .one_or_none()
        )
        if registered is not None and registered.token:
            self.file = FileWriting(registered.path, registered.token)
            self.file.add(self.slots)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def file_token(path: str) -> int | None:
    """The token the file at ``path`` holds (0: none); None when there is no such file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        return _count(descriptor, _TOKEN_SLOT)
    finally:
        os.close(descriptor)


def write_file_token(path: str, token: int) -> None:
    """Give the file at ``path`` (made when missing) the ``token``, on disk before this
    returns; its counts stay as they are."""
    descriptor = _open(path)
    try:
        os.pwrite(descriptor, _COUNT.pack(token) + _MAGIC, _TOKEN_SLOT * _COUNT.size)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _is_signal(descriptor: int) -> bool:
    return os.pread(descriptor, len(_MAGIC), (_TOKEN_SLOT + 1) * _COUNT.size) == _MAGIC


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


def signal_of_engine(engine: Engine) -> FileSignal | RegisteredSignal | NoSignal:
    """The signal every process using ``engine``'s database shares."""
    return _signals.of(engine)


def _signal_for(engine: Engine) -> FileSignal | RegisteredSignal | NoSignal:
    if engine.dialect.name == "postgresql" and _HAS_FILE_LOCKS:
        return RegisteredSignal(engine)
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return NoSignal()
    if database.startswith("file:") or not _HAS_FILE_LOCKS:  # a URI filename: not a path
        return NoSignal()
    return FileSignal(os.path.realpath(database) + "-signal")


_signals = PerEngine(_signal_for)
