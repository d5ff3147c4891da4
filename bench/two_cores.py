"""What two processes of plain Python reach on this machine against one.

A server of two workers on two cores cannot scale further than the machine lets
two busy processes run side by side.  On a virtual machine that is often well
under 2 (the host's other guests, shared caches), and it drifts from second to
second; a bench that compares many clients with one measures this beside its own
rounds, so that its ratio can be read against the machine's.
"""

from __future__ import annotations

import multiprocessing
import time

#: Steps of the loop: about a third of a second on the machines this was written on.
STEPS = 3_000_000


def spin(steps: int) -> float:
    """Seconds a pure-Python loop of ``steps`` steps takes in this process."""
    started = time.perf_counter()
    total = 0
    for step in range(steps):
        total += step * step % 7
    return time.perf_counter() - started


def _spin_when_told(ready, go, answers, steps: int) -> None:
    ready.put(True)
    go.wait()
    answers.put(spin(steps))


def two_against_one(steps: int = STEPS) -> float:
    """The loop run by two processes at once against one alone, as work per second:
    2.0 when the two run as fast as one, 1.0 when they take turns."""
    context = multiprocessing.get_context("spawn")
    ready, go, answers = context.Queue(), context.Event(), context.Queue()
    workers = [
        context.Process(target=_spin_when_told, args=(ready, go, answers, steps)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    ready.get(), ready.get()  # both started and idle: "alone" is alone
    alone = spin(steps)
    go.set()
    together = max(answers.get(), answers.get())
    for worker in workers:
        worker.join()
    return 2 * alone / together
