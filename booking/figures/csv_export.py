"""The figures as CSV: one row per month × point × agency × service. Pure.

Ids, not names, so that the file reads the same in every language.  A count
from 1 to 4 is written ``<5``; ``x`` is a count hidden so that a small one
cannot be worked out from it; an empty median had fewer than five appointments.
``room_hours_open`` is the point's (all its rooms), the same on each of its rows
of that month.  ``median_third_free_days`` is the median, over the days of the
month measured, of how many days ahead the third free time of the agency lay at
the point (the same on each of its services' rows); empty when not measured, or
when on most days there were not three free times within the booking horizon.
"""

from __future__ import annotations

import csv
import io

from booking.figures.report import Figures

COLUMNS = (
    "month",
    "municipality",
    "point",
    "agency",
    "service",
    "booked",
    "done",
    "no_show",
    "cancelled",
    "cancelled_late",
    "online",
    "desk",
    "interpreter",
    "median_lead_days",
    "room_hours_open",
    "room_hours_booked",
    "room_hours_used",
    "technical_failure",
    "median_third_free_days",
)
#: The figures behind the columns after the five naming ones.
FIGURE_OF_COLUMN = {column: column for column in COLUMNS[5:]} | {"technical_failure": "failed"}


def figures_csv(figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in figures.cells:
        writer.writerow(
            [*row.key, *(row.figures[FIGURE_OF_COLUMN[column]].text() for column in COLUMNS[5:])]
        )
    return out.getvalue()
