"""A process makes its changes of a database one at a time.

``booking serve`` runs threaded workers, and the threads of one process share one
interpreter lock.  A change holding the database's locks (SQLite's one write
turn; on PostgreSQL its region, point, agency and number locks) lets go of the
interpreter at each statement, and a sibling thread preparing its own change may
keep it until that sibling's next statement or for the interpreter's whole
switch interval.  So the locks everyone else waits for are held longer, and the
threads of the other worker wait idle.  Measured with 16 clients booking through
two workers of eight threads (``bench/parallel_bookings.py``): SQLite's turns of
about 1.4 ms averaged 3.2 ms, and 16 clients reached 1.22–1.45 times one client;
PostgreSQL reached 1.58 times one and 142 bookings a second, where sync workers
(one request at a time in a process) reached 1.86 and 196.

Here each process takes a lock for a whole change, from its first read to its
commit (:func:`one_change_at_a_time`, around every view's change in
``web/transaction.py``): a process runs one change at a time, as a sync worker
would, and its other threads still read, answer and wait for clients (a change
whose transaction has begun before, as a staff view's, runs without it).  With it,
SQLite reached 1.46–1.59 times one (the turns 1.8 ms on average, 16 clients 320
to 365 bookings a second against 230 to 330) and PostgreSQL 1.92–1.99 (208–254
bookings a second).  It is only an order among a process's own threads: the
database's locks still keep changes apart.  A change that waits for a database
lock keeps the process's other changes waiting too; they would mostly wait for
the same lock (every booking shares the region's).
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.orm import Session

_gates: dict[str, threading.Lock] = {}
_gates_made = threading.Lock()


def change_gate(engine: Engine) -> threading.Lock:
    """The lock this process's threads take for a whole change of ``engine``'s
    database (one per database, whichever engine reaches it)."""
    with _gates_made:
        return _gates.setdefault(str(engine.url), threading.Lock())


def one_change_at_a_time(session: Session) -> AbstractContextManager:
    """The gate of ``session``'s database, to hold while the enclosed change runs: the
    process's other threads wait meanwhile to begin theirs.

    Only for a session with no transaction yet.  One already begun may hold the
    database's locks (SQLite's turn, which a staff view's first read takes; rows it
    wrote), and waiting for the gate with them could wait for a change that waits
    for them: such a change runs without the gate."""
    if session.in_transaction():
        return nullcontext()
    return change_gate(session.get_bind().engine)
