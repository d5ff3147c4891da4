"""The experts' half of a range's free starts, their appointments read in rounds.

A start needs one of the agency's experts who do the service to be free, at any
point.  With a handful of experts, reading all their appointments in the range
costs little.  With hundreds (an agency whose experts serve every point of a
country), it is most of the cost, and nearly all of it is wasted: almost every
start is free for one of the first experts read.  So, beyond ``ONE_GO``
experts, the first ``FIRST_ROUND`` are read; then, only for the starts none of
those can take, the next experts who work at one of them, twice as many each
round, their appointments only around those starts; until every start has an
expert or every expert was read.  The answer is the one reading everyone gives:
a start is left out only when every expert working then was read and found busy.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from booking.data.availability_cache import HoldSpan
from booking.data.calendar_inputs import AvailabilityInputs, experts_with_busy, load_busy
from booking.data.calendar_queries import CalendarQueries
from booking.data.calendar_spans import seconds
from booking.engine.slots import Resource, Span, Spans, candidate_starts, starts_some_can_take

#: An agency with at most this many experts who do the service (a region's has about
#: ten) has them all read at once, in one query.
ONE_GO = 16
#: Else the experts read first: a national agency's first eight are free at nearly
#: every start (measured: ``bench/national.py``).
FIRST_ROUND = 8
#: A room or an expert free at every instant.
ANYONE = Resource(0, ())
#: Appointments as ``load_busy`` reads them, and the instants that reading holds for.
Busy = tuple[tuple[dict, dict, dict], HoldSpan]


def expert_starts(
    connection,
    queries: CalendarQueries,
    fixed: AvailabilityInputs,
    window: Span,
    now: datetime | None,
    preloaded: Busy | None = None,
) -> tuple[list[datetime], HoldSpan]:
    """The grid starts in ``window`` at which one of the experts of ``fixed`` (their
    working time; busy left out) is free, whatever the point, and the instants for
    which that reading of their holds stands.  ``preloaded``: the appointments and
    absences over ``window`` of (at least) the experts of ``first_round``, already
    read."""
    experts = _working_in(fixed.experts, seconds(window.start), seconds(window.end))
    if not experts:
        return [], HoldSpan()
    waiting = candidate_starts(
        opening=[window],
        rooms=[ANYONE],
        experts=_working_at_all(experts),
        rules=fixed.rules,
        window=window,
        tz=fixed.tz,
    )
    free: list[datetime] = []
    valid = HoldSpan()
    size = _first_size(experts)
    rest = experts
    while waiting and rest:
        batch, rest = rest[:size], rest[size:]
        around = Span(waiting[0], waiting[-1] + timedelta(seconds=1))
        if preloaded is not None:  # the first round's, read by the caller
            (busy, held), preloaded = preloaded, None
        else:
            busy, held = load_busy(connection, queries, [], _ids(batch), around, fixed.rules, now)
        valid = valid.within(held)
        readings = experts_with_busy(batch, busy, (seconds(window.start), seconds(window.end)))
        taken = starts_some_can_take(waiting, readings, fixed.rules)
        free.extend(taken)
        waiting = _without(waiting, taken)
        rest = _working_at_one_of(rest, waiting, fixed) if waiting else []
        size *= 2
    return sorted(free), valid


def first_round(fixed: AvailabilityInputs, window: Span) -> list[int]:
    """The ids of the experts whose appointments ``expert_starts`` reads first for
    ``window``: a caller may read them with others, in one query, and pass them on."""
    experts = _working_in(fixed.experts, seconds(window.start), seconds(window.end))
    return _ids(experts[: _first_size(experts)])


def _first_size(experts: list[Resource]) -> int:
    return len(experts) if len(experts) <= ONE_GO else FIRST_ROUND


def _working_in(experts: list[Resource], low: int, high: int) -> list[Resource]:
    """Those of ``experts`` who work between ``low`` and ``high``, their working time
    cut to it (once for each working time they share; an expert who works only
    inside it is kept as given)."""
    cut: dict[int, Spans] = {}
    working = []
    for expert in experts:
        key = id(expert.available)
        if key not in cut:
            cut[key] = _cut(expert.available, low, high)
        spans = cut[key]
        if spans:
            working.append(expert if spans is expert.available else Resource(expert.id, (), spans))
    return working


def _cut(spans: Spans, low: int, high: int) -> Spans:
    """``spans`` that reach between ``low`` and ``high`` (``spans`` itself when all do)."""
    kept = tuple((a, b) for a, b in spans if b > low and a < high)
    return spans if len(kept) == len(spans) else kept


def _ids(experts: list[Resource]) -> list[int]:
    return [expert.id for expert in experts]


def _working_at_all(experts: list[Resource]) -> list[Resource]:
    """One expert for each distinct working time: the starts at which anyone works
    are the same, and experts often share their hours."""
    distinct = {id(e.available): e.available for e in experts}  # shared, not compared
    return [Resource(0, (), spans) for spans in distinct.values()]


def _working_at_one_of(
    experts: list[Resource], starts: list[datetime], fixed: AvailabilityInputs
) -> list[Resource]:
    """Those of ``experts`` whose working time holds one of ``starts`` (judged once for
    each distinct working time)."""
    works: dict[tuple, bool] = {}
    kept = []
    for expert in experts:
        spans = tuple(expert.available)
        if spans not in works:
            works[spans] = bool(starts_some_can_take(starts, [expert], fixed.rules))
        if works[spans]:
            kept.append(expert)
    return kept


def _without(starts: list[datetime], taken: list[datetime]) -> list[datetime]:
    gone = set(taken)
    return [start for start in starts if start not in gone]
