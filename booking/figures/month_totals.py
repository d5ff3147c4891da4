"""The counted totals of months that are over, so that a year's figures need not read
every fact.

Once a month is over the scheduler counts its facts once
(:func:`summarize_months_over`) and keeps a row per month × point × agency ×
service: the counts, the minutes and the histograms the medians are taken
from.  :func:`load_cells` reads those rows for summarized months and counts the
facts of the others.  Whenever a fact of a summarized month is written again
(``booking.appointments.outcome_facts``), the month's totals are dropped in the
same transaction, and the month is counted from its facts until the next
summary: the figures are the same either way, to the last cell.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.advisory_locks import lock_name
from booking.data.appointment_facts import AppointmentFact as Fact
from booking.data.figures_models import FactMonthTotals, SummarizedMonth
from booking.engine.clock import to_helsinki
from booking.figures.cells import Cell, Cells, add_derived_counts, count_facts, narrowed
from booking.figures.scope import Scope

#: The counts a total keeps (the others follow from them: cells.add_derived_counts).
KEPT_COUNTS = (
    "booked",
    "done",
    "no_show",
    "cancelled",
    "cancelled_late",
    "failed",
    "desk",
    "interpreter",
    "used",
    "language_fi",
    "language_sv",
    "language_en",
)


def load_cells(session: Session, scope: Scope) -> Cells:
    """Count the facts of ``scope`` per month × point × agency × service: summarized
    months from their totals, the others from their facts."""
    months = scope.months()
    summarized = set(
        session.scalars(select(SummarizedMonth.month).where(SummarizedMonth.month.in_(months)))
    )
    cells = Cells(by_key={}, waiting=defaultdict(Counter), call_length=defaultdict(Counter))
    counted = [month for month in months if month not in summarized]
    if counted:
        count_facts(session, scope, counted, cells)
    if summarized:
        _read_totals(session, scope, sorted(summarized), cells)
    return cells


def _read_totals(session: Session, scope: Scope, months: list[str], cells: Cells) -> None:
    query = narrowed(
        select(FactMonthTotals).where(FactMonthTotals.month.in_(months)),
        scope,
        municipality=FactMonthTotals.municipality_id,
        point=FactMonthTotals.point_id,
        agency=FactMonthTotals.agency_id,
    )
    for row in session.scalars(query):
        kept = json.loads(row.counts)
        cell = Cell(row.month, row.municipality_id, row.point_id, row.agency_id, row.service_id)
        cell.counts.update(dict(zip(KEPT_COUNTS, kept["counts"], strict=True)))
        add_derived_counts(cell.counts)
        cell.booked_minutes, cell.used_minutes = kept["minutes"]
        cell.lead_days = _histogram(kept["lead_days"])
        cells.waiting[row.month].update(_histogram(kept["waiting"]))
        cells.call_length[row.month].update(_histogram(kept["call_length"]))
        cells.by_key[cell.key] = cell


def _histogram(pairs: list[list[int]]) -> Counter:
    return Counter(dict(map(tuple, pairs)))


def summarize_months_over(session: Session, *, now: datetime) -> int:
    """Count, once, each month before ``now``'s (Helsinki) that has facts and no totals;
    return how many.  Flushes, never commits.  Schedulers running it at once take turns."""
    lock_name(session, "summarize-months", kind=b"booking-job")
    this_month = f"{to_helsinki(now):%Y-%m}"
    with_facts = set(session.scalars(select(Fact.month).where(Fact.month < this_month).distinct()))
    done = set(session.scalars(select(SummarizedMonth.month)))
    months = sorted(with_facts - done)
    for month in months:
        cells = Cells(by_key={}, waiting=defaultdict(Counter), call_length=defaultdict(Counter))
        count_facts(session, Scope(month, month), [month], cells, per_cell=True)
        session.add(SummarizedMonth(month=month))
        for cell in cells.by_key.values():
            kept = {
                "counts": [cell.counts[name] for name in KEPT_COUNTS],
                "minutes": [cell.booked_minutes, cell.used_minutes],
                "lead_days": sorted(cell.lead_days.items()),
                "waiting": sorted(cell.waiting.items()),
                "call_length": sorted(cell.call_length.items()),
            }
            session.add(
                FactMonthTotals(
                    month=month,
                    point_id=cell.point_id,
                    agency_id=cell.agency_id,
                    service_id=cell.service_id,
                    municipality_id=cell.municipality_id,
                    counts=json.dumps(kept, separators=(",", ":")),
                )
            )
    session.flush()
    return len(months)
