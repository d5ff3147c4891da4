"""The regional council's figures: one use case, read only, anonymous by construction.

:func:`council_figures` counts the anonymous facts of a scope (months, and
optionally a municipality, a point or an agency) per month × point × agency ×
service, adds the rooms' open hours, and builds every table the figures page
and its CSV show.  All of them are protected together
(:mod:`booking.figures.protection`): a count from 1 to 4 is written ``<5``,
and a total or a part that would give a hidden count away is hidden too.
Everything after the queries is pure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.data.models import Offering, Service, ServicePoint
from booking.figures.cells import LANGUAGES, Cell, Cells, narrowed
from booking.figures.month_totals import load_cells
from booking.figures.protection import Sum, protect
from booking.figures.room_hours import room_minutes_open
from booking.figures.scope import Scope
from booking.figures.shown import NOTHING, Shown, count, hours, median, merged, share
from booking.figures.third_free_time import ThirdFreeDays, third_free_days

#: The counts published for each month × point × agency × service (the CSV rows);
#: ``held`` (booked, not cancelled) is published as the room hours booked, ``used``
#: (appointments that used their room) as the room hours used.
CELL_COUNTS = (
    "booked",
    "done",
    "no_show",
    "cancelled",
    "cancelled_late",
    "failed",
    "online",
    "desk",
    "interpreter",
    "held",
    "used",
)
MONTH_COUNTS = CELL_COUNTS[:9]
TOTAL_COUNTS = MONTH_COUNTS + tuple(f"language_{language}" for language in LANGUAGES)
POINT_COUNTS = ("booked", "held", "used")

#: How the counts of one row add up.  ``open`` (booked, arrived or in a call) is
#: not published but taken as known, to be safe.
PARTITIONS = (
    ("booked", ("online", "desk")),
    ("booked", ("done", "no_show", "cancelled", "failed", "open")),
    ("booked", ("held", "cancelled")),
    ("held", ("done", "no_show", "failed", "open")),
)


@dataclass(frozen=True)
class Row:
    """One row of a table: ``key`` names it (a month, a point, or a CSV cell's key)."""

    key: tuple[str, ...]
    figures: dict[str, Shown]


@dataclass(frozen=True)
class Figures:
    scope: Scope
    total: dict[str, Shown]
    months: list[Row]
    points: list[Row]
    #: One row per month × point × agency × service: key (month, municipality, point,
    #: agency, service).
    cells: list[Row] = field(default_factory=list)
    #: Days to the third free time, one row per point × agency measured: key (point,
    #: agency); the median over the days measured and the last day's measure.
    third_free: list[Row] = field(default_factory=list)


def council_figures(session: Session, scope: Scope) -> Figures:
    """The figures of ``scope``; reads only."""
    cells = load_cells(session, scope)
    open_minutes = room_minutes_open(session, scope)
    for month, point, municipality, agency, service in _offered(session, scope):
        key = (month, point, agency, service)
        if key not in cells.by_key:
            cells.by_key[key] = Cell(month, municipality, point, agency, service)
    return build_figures(scope, cells, open_minutes, third_free_days(session, scope))


def _offered(session: Session, scope: Scope):
    """(month, point, municipality, agency, service) of every offering in scope: a row
    for each, booked or not, so that no point's open hours go missing."""
    query = (
        select(ServicePoint.id, ServicePoint.municipality_id, Service.agency_id, Service.id)
        .join(Offering, Offering.point_id == ServicePoint.id)
        .join(Service, Service.id == Offering.service_id)
    )
    query = narrowed(
        query,
        scope,
        municipality=ServicePoint.municipality_id,
        point=ServicePoint.id,
        agency=Service.agency_id,
    )
    offerings = session.execute(query).all()
    for month in scope.months():
        for point, municipality, agency, service in offerings:
            yield month, point, municipality, agency, service


def build_figures(
    scope: Scope,
    cells: Cells,
    open_minutes: dict[tuple[str, str], int],
    third: ThirdFreeDays | None = None,
) -> Figures:
    """Every table of the figures from the counted cells and the measures. Pure."""
    third = third or ThirdFreeDays({}, {}, {})
    ordered = sorted(cells.by_key.values(), key=_cell_order)
    system = _CountingSystem(ordered)
    hidden = protect(system.counts, system.sums, known=system.known)

    def shown(*name) -> Shown:
        number = system.ids[name]
        return count(system.counts[number], number in hidden)

    def is_hidden(*name) -> bool:
        return system.ids[name] in hidden

    months, month_leads = [], {}
    for month in scope.months():
        in_month = [cell for cell in ordered if cell.month == month]
        month_leads[month] = merged(cell.lead_days for cell in in_month)
        figures = {name: shown("month", month, name) for name in MONTH_COUNTS}
        figures["median_lead_days"] = median(month_leads[month])
        figures["median_waiting_minutes"] = median(cells.waiting.get(month, Counter()))
        figures["median_call_minutes"] = median(cells.call_length.get(month, Counter()))
        _add_shares(figures)
        months.append(Row((month,), figures))

    total = {name: shown("total", name) for name in TOTAL_COUNTS}
    total["median_lead_days"] = median(merged(month_leads.values()))
    total["median_waiting_minutes"] = median(merged(cells.waiting.values()))
    total["median_call_minutes"] = median(merged(cells.call_length.values()))
    _add_shares(total)

    points = []
    for point in sorted({cell.point_id for cell in ordered}):
        at_point = [cell for cell in ordered if cell.point_id == point]
        opened = sum(open_minutes.get((month, point), 0) for month in scope.months())
        figures = {name: shown("point", point, name) for name in POINT_COUNTS}
        figures["room_hours_open"] = hours(opened)
        figures["room_hours_booked"] = hours(
            sum(cell.booked_minutes for cell in at_point), is_hidden("point", point, "held")
        )
        used = sum(cell.used_minutes for cell in at_point)
        figures["room_hours_used"] = hours(used, is_hidden("point", point, "used"))
        figures["room_use_share"] = share(count(used, False), count(opened, False))
        if not figures["room_hours_used"].visible:
            figures["room_use_share"] = NOTHING
        points.append(Row((at_point[0].municipality_id, point), figures))

    rows = []
    for cell in ordered:
        figures = {counted: shown(*cell.key, counted) for counted in CELL_COUNTS}
        figures["median_lead_days"] = median(cell.lead_days)
        figures["room_hours_open"] = hours(open_minutes.get((cell.month, cell.point_id), 0))
        figures["room_hours_booked"] = hours(cell.booked_minutes, is_hidden(*cell.key, "held"))
        figures["room_hours_used"] = hours(cell.used_minutes, is_hidden(*cell.key, "used"))
        figures["median_third_free_days"] = third.by_month.get(
            (cell.month, cell.point_id, cell.agency_id), NOTHING
        )
        key = (cell.month, cell.municipality_id, cell.point_id, cell.agency_id, cell.service_id)
        rows.append(Row(key, figures))
    third_free = [
        Row(pair, {"median_third_free_days": days, "latest_third_free_days": third.latest[pair]})
        for pair, days in third.by_pair.items()
    ]
    return Figures(
        scope=scope, total=total, months=months, points=points, cells=rows, third_free=third_free
    )


def _cell_order(cell: Cell):
    return cell.month, cell.municipality_id, cell.point_id, cell.agency_id, cell.service_id


def _add_shares(figures: dict[str, Shown]) -> None:
    booked = figures["booked"]
    figures["online_share"] = share(figures["online"], booked)
    figures["desk_share"] = share(figures["desk"], booked)
    figures["interpreter_share"] = share(figures["interpreter"], booked)
    figures["cancelled_late_share"] = share(figures["cancelled_late"], figures["cancelled"])
    for language in LANGUAGES:
        if f"language_{language}" in figures:
            figures[f"language_{language}_share"] = share(figures[f"language_{language}"], booked)


class _CountingSystem:
    """Every published count numbered, the sums that tie them, and the known ones.

    A count is named by its level and what it counts: (month, point, agency,
    service, counted) for a cell, ("month", month, counted), ("point", point,
    counted), ("total", counted); ``ids`` maps names to numbers."""

    def __init__(self, ordered: list[Cell]):
        self.counts: list[int] = []
        self.ids: dict[tuple, int] = {}
        self.sums: list[Sum] = []
        self.known: set[int] = set()
        levels: dict[tuple, tuple[tuple[str, ...], list[dict[str, int]]]] = {
            ("total",): (TOTAL_COUNTS, [])
        }
        level_cells: dict[tuple, list[Cell]] = {("total",): []}
        for cell in ordered:
            numbers = self._add_row(cell.key, CELL_COUNTS, cell.counts)
            for level, published in (
                (("total",), TOTAL_COUNTS),
                (("month", cell.month), MONTH_COUNTS),
                (("point", cell.point_id), POINT_COUNTS),
            ):
                levels.setdefault(level, (published, []))[1].append(numbers)
                level_cells.setdefault(level, []).append(cell)
        for level, (published, members) in levels.items():
            totals = Counter()
            for cell in level_cells[level]:
                totals.update(cell.counts)
            numbers = self._add_row(level, published, totals)
            for counted in published:
                if counted in CELL_COUNTS:
                    parts = tuple(member[counted] for member in members)
                    self.sums.append(Sum(numbers[counted], parts))

    def _add_row(self, prefix: tuple, published: tuple[str, ...], counts) -> dict[str, int]:
        numbers = {}
        for counted in (*published, "open"):
            numbers[counted] = self.ids[(*prefix, counted)] = len(self.counts)
            self.counts.append(counts[counted])
        self.known.add(numbers["open"])
        for total, parts in PARTITIONS:
            if total in numbers and all(part in numbers for part in parts):
                self.sums.append(Sum(numbers[total], tuple(numbers[part] for part in parts)))
        return numbers
