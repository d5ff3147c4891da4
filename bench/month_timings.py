"""In-process timings of one month of free times, several databases measured in turns.

Turns (a few calls on one database, then on the next, round after round) keep a
busy machine's ups and downs from landing on one database only, so "0 past"
and "200,000 past" are compared under the same conditions.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Engine, func, select

from booking.data import availability as calendars
from booking.data.availability_cache import clear_availability_cache
from booking.data.calendar_spans import (
    experts_by_hours,
    point_opening,
    working_experts,
    working_seconds,
)
from booking.data.models import Appointment
from booking.data.sessions import make_session_factory, read_only
from booking.engine.clock import utc_now
from booking.engine.grid import day_grid
from booking.engine.slots import free_slots

SCENARIOS = {
    "cold (load + compute)": "cold",
    "cold, no calendar memos": "coldest",
    "warm (cache hit)": "warm",
    "engine only": "engine_only",
}


def month(today: date) -> tuple[date, date]:
    first = today + timedelta(days=1)
    return first, first + timedelta(days=30)


class MonthProbe:
    """``free_times`` for one point, one service and a month, on one database."""

    def __init__(self, engine: Engine, label: str, point: str, service: str, today: date):
        self.label, self.point, self.service = label, point, service
        self.sessions = make_session_factory(engine)
        self.first, self.last = month(today)
        self.now = utc_now()
        with self.sessions() as session:
            self.total = session.scalar(select(func.count()).select_from(Appointment))
            self.inputs = calendars.availability_inputs(
                session, point, service, self.first, self.last
            )

    def describe(self) -> str:
        inputs = self.inputs
        busy = sum(len(r.busy) for r in inputs.rooms) + sum(len(e.busy) for e in inputs.experts)
        return (
            f"{self.label}: {self.total:,} appointments in the database; month "
            f"{self.first}..{self.last} at {self.point} for {self.service}: "
            f"{len(inputs.rooms)} rooms, {len(inputs.experts)} experts, {busy} busy spans "
            f"loaded, {len(self.cold())} free times"
        )

    def cold(self):
        clear_availability_cache()
        return self.warm()

    def coldest(self):
        for memo in (working_seconds, working_experts, experts_by_hours, point_opening):
            memo.cache_clear()
        day_grid.cache_clear()
        return self.cold()

    def warm(self):
        with read_only(), self.sessions() as session:
            return calendars.free_times(
                session, self.point, self.service, self.first, self.last, self.now
            )

    def engine_only(self):
        inputs = self.inputs
        return free_slots(
            opening=inputs.opening,
            rooms=inputs.rooms,
            experts=inputs.experts,
            rules=inputs.rules,
            window=inputs.window,
            now=self.now,
            tz=inputs.tz,
        )


def compare(probes: list[MonthProbe], iterations: int, rounds: int = 10) -> None:
    """Print wall-clock median and p95 and CPU median of each scenario on each probe."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"   (machine load average {load} on {os.cpu_count()} cores)")
    per_turn = max(1, iterations // rounds)
    for name, method in SCENARIOS.items():
        samples: dict[str, tuple[list[float], list[float]]] = {p.label: ([], []) for p in probes}
        for probe in probes:
            getattr(probe, method)()
        for _ in range(rounds):
            for probe in probes:
                wall, cpu = samples[probe.label]
                measure(getattr(probe, method), per_turn, wall, cpu)
        for label, (wall, cpu) in samples.items():
            wall.sort()
            p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
            print(
                f"   {name:24s} {label:>13s}  median {statistics.median(wall):6.2f} ms"
                f"   p95 {p95:6.2f} ms   (cpu median {statistics.median(cpu):5.2f} ms)"
            )


def measure(call: Callable[[], object], times: int, wall: list, cpu: list) -> None:
    for _ in range(times):
        started, started_cpu = time.perf_counter(), time.thread_time()
        call()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
