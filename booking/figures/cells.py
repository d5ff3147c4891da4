"""The facts counted per month × point × agency × service: a few grouped queries.

The database does the counting (one pass over the facts' index for the counts,
one for the lead-time histogram, one each for the waiting and call-length
histograms by month); everything after that is plain Python on a few thousand
rows (:mod:`booking.figures.report`).  A month that is over and summarized by
the scheduler is read from its totals instead (:mod:`booking.figures.month_totals`),
a row per cell rather than every fact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from booking.data.appointment_facts import AppointmentFact as Fact
from booking.data.enums import AppointmentStatus
from booking.figures.scope import Scope

#: A cancellation under this many hours before the start is late.
LATE_CANCEL_HOURS = 24
LANGUAGES = ("fi", "sv", "en")

CellKey = tuple[str, str, str, str]  # month, point, agency, service


@dataclass
class Cell:
    """The raw (unprotected) figures of one month × point × agency × service."""

    month: str
    municipality_id: str
    point_id: str
    agency_id: str
    service_id: str
    counts: Counter = field(default_factory=Counter)
    booked_minutes: int = 0
    used_minutes: int = 0
    lead_days: Counter = field(default_factory=Counter)
    #: Kept per cell only for the month totals (the figures read them per month).
    waiting: Counter = field(default_factory=Counter)
    call_length: Counter = field(default_factory=Counter)

    @property
    def key(self) -> CellKey:
        return self.month, self.point_id, self.agency_id, self.service_id


@dataclass
class Cells:
    by_key: dict[CellKey, Cell]
    #: Per month, how many calls waited / lasted how many minutes.
    waiting: dict[str, Counter]
    call_length: dict[str, Counter]


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _counted_columns() -> dict[str, object]:
    """Name → aggregate over a cell's facts (the rest follow from these)."""
    outcome = Fact.outcome
    columns = {
        "booked": func.count(),
        "done": _count(outcome == AppointmentStatus.DONE.value),
        "no_show": _count(outcome == AppointmentStatus.NO_SHOW.value),
        "cancelled": _count(outcome == AppointmentStatus.CANCELLED.value),
        "cancelled_late": _count(
            (outcome == AppointmentStatus.CANCELLED.value)
            & (Fact.cancel_notice_hours < LATE_CANCEL_HOURS)
        ),
        "failed": _count(outcome == AppointmentStatus.TECHNICAL_FAILURE.value),
        "desk": _count(Fact.channel == "desk"),
        "interpreter": _count(Fact.interpreter),
        "used": _count(Fact.used_minutes > 0),
    }
    for language in LANGUAGES:
        columns[f"language_{language}"] = _count(Fact.language == language)
    return columns


def narrowed(query, scope: Scope, *, municipality, point, agency):
    """``query`` limited to ``scope``'s municipality, point and agency (given as columns),
    and to the points its asker may see."""
    if scope.municipality_id:
        query = query.where(municipality == scope.municipality_id)
    if scope.point_id:
        query = query.where(point == scope.point_id)
    if scope.only_points is not None:
        query = query.where(point.in_(scope.only_points))
    if scope.agency_id:
        query = query.where(agency == scope.agency_id)
    return query


def _in_scope(query, scope: Scope, months: list[str] | None = None):
    query = query.where(Fact.month >= scope.first_month, Fact.month <= scope.last_month)
    if months is not None:
        query = query.where(Fact.month.in_(months))
    return narrowed(
        query, scope, municipality=Fact.municipality_id, point=Fact.point_id, agency=Fact.agency_id
    )


def count_facts(
    session: Session, scope: Scope, months: list[str], cells: Cells, *, per_cell: bool = False
) -> None:
    """Add the facts of ``months`` in ``scope`` to ``cells``; ``per_cell``: keep the
    waiting and call-length histograms of each cell too (for the month totals)."""
    columns = _counted_columns()
    group = (Fact.month, Fact.point_id, Fact.agency_id, Fact.service_id)
    query = select(
        *group,
        func.min(Fact.municipality_id),
        func.sum(Fact.booked_minutes),
        func.sum(Fact.used_minutes),
        *(column.label(name) for name, column in columns.items()),
    ).group_by(*group)
    by_key = cells.by_key
    names = list(columns)
    for row in session.execute(_in_scope(query, scope, months)):
        month, point, agency, service, municipality, booked_minutes, used_minutes = row[:7]
        cell = Cell(month, municipality, point, agency, service)
        cell.counts.update(
            {name: int(value or 0) for name, value in zip(names, row[7:], strict=True)}
        )
        add_derived_counts(cell.counts)
        cell.booked_minutes, cell.used_minutes = int(booked_minutes), int(used_minutes)
        by_key[cell.key] = cell
    lead = select(*group, Fact.lead_days, func.count()).group_by(*group, Fact.lead_days)
    for month, point, agency, service, days, count in session.execute(
        _in_scope(lead, scope, months)
    ):
        by_key[(month, point, agency, service)].lead_days[days] = count
    for column, by_month, name in (
        (Fact.waiting_minutes, cells.waiting, "waiting"),
        (Fact.call_minutes, cells.call_length, "call_length"),
    ):
        keys = (*group,) if per_cell else (Fact.month,)
        query = select(*keys, column, func.count()).where(column.is_not(None))
        for *key, minutes, count in session.execute(
            _in_scope(query.group_by(*keys, column), scope, months)
        ):
            by_month[key[0]][minutes] += count
            if per_cell:
                getattr(by_key[tuple(key)], name)[minutes] = count


def add_derived_counts(counts: Counter) -> None:
    """The counts that follow from the counted ones."""
    counts["online"] = counts["booked"] - counts["desk"]
    counts["held"] = counts["booked"] - counts["cancelled"]
    # Still booked, arrived or in a call.
    counts["open"] = counts["held"] - counts["done"] - counts["no_show"] - counts["failed"]
