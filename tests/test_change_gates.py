"""A process makes its changes of a database one at a time (both backends).

A view's change (``run_use_case``) holds its database's gate from its first read
to its commit, so a sibling thread of a threaded worker waits to begin its own
instead of taking the interpreter from a change that holds the database's locks.
The look around after a refusal runs outside the gate, and a change that fails
lets it go.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from booking.appointments.errors import SlotTaken
from booking.data.change_gates import change_gate
from booking.data.sessions import make_engine, make_session_factory
from booking.web.transaction import run_use_case


def another_thread_may_begin_a_change(gate: threading.Lock) -> bool:
    """Whether a sibling thread would get the gate now (without waiting for it)."""
    answer = []

    def sibling():
        taken = gate.acquire(blocking=False)
        answer.append(taken)
        if taken:
            gate.release()

    thread = threading.Thread(target=sibling)
    thread.start()
    thread.join()
    return answer[0]


def test_a_change_keeps_the_process_s_other_changes_waiting(session):
    gate = change_gate(session.get_bind().engine)
    seen = {}

    def refused_change():
        seen["during the change"] = another_thread_may_begin_a_change(gate)
        raise SlotTaken()

    def look_around(_refusal):
        seen["during the look around"] = another_thread_may_begin_a_change(gate)
        return []

    outcome = run_use_case(session, refused_change, look_around=look_around)
    assert isinstance(outcome.refusal, SlotTaken)
    assert seen == {"during the change": False, "during the look around": True}
    assert run_use_case(session, lambda: another_thread_may_begin_a_change(gate)).result is False
    with pytest.raises(ZeroDivisionError):
        run_use_case(session, lambda: 1 / 0)
    assert another_thread_may_begin_a_change(gate)


def test_each_database_has_its_own_gate(tmp_path):
    first, again = (make_engine(f"sqlite:///{tmp_path / 'first.db'}") for _ in range(2))
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    assert change_gate(first) is change_gate(again)
    with make_session_factory(first)() as session:
        held = run_use_case(
            session,
            lambda: (change_gate(again).locked(), change_gate(other).locked()),
        ).result
    assert held == (True, False)
    for engine in (first, again, other):
        engine.dispose()


def test_a_change_that_already_holds_locks_does_not_wait_for_the_gate(clean_database):
    """A staff view's transaction begins before its change (on SQLite it then holds
    the write turn; here it holds the region's revision row on both backends).
    Were it to wait for the gate, held by a change waiting for its lock, neither
    would ever go on."""
    sessions = make_session_factory(clean_database)
    holding, gated = sessions(), sessions()
    hold_the_region_row = text("UPDATE calendar_revision SET value = value WHERE id = 1")
    holding.execute(hold_the_region_row)
    in_the_gate = threading.Event()
    finished = []

    def change_waiting_for_the_lock():
        in_the_gate.set()
        gated.execute(hold_the_region_row)
        return "the gated change"

    def run(session, change):
        finished.append(run_use_case(session, change).result)

    waiting = threading.Thread(target=run, args=(gated, change_waiting_for_the_lock), daemon=True)
    waiting.start()
    in_the_gate.wait()
    holder = threading.Thread(target=run, args=(holding, lambda: "the holder"), daemon=True)
    holder.start()
    holder.join(timeout=20)
    stuck = holder.is_alive()
    if stuck:  # let the gated change have the lock, so that both threads end
        holding.rollback()
    for thread in (holder, waiting):
        thread.join()
    assert not stuck
    assert finished == ["the holder", "the gated change"]
    holding.close()
    gated.close()
