"""What the figures are asked for: a span of months and, optionally, one municipality,
point or agency.  Pure: parsing and month arithmetic only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTH = re.compile(r"(\d{4})-(\d{2})")
#: Months outside these years are typing slips.
FIRST_YEAR, LAST_YEAR = 2000, 2200


class ScopeError(ValueError):
    """A month that is not ``YYYY-MM``, or a span that ends before it starts."""


@dataclass(frozen=True)
class Scope:
    first_month: str  # "YYYY-MM"
    last_month: str
    municipality_id: str | None = None
    point_id: str | None = None
    agency_id: str | None = None
    #: The points the asker may see at all (an advisor's own); None: every point.
    only_points: tuple[str, ...] | None = None

    def months(self) -> list[str]:
        return months_between(self.first_month, self.last_month)


def parse_month(raw: str | None) -> str | None:
    """``YYYY-MM`` as given, or None when it is not a month staff could mean."""
    match = MONTH.fullmatch((raw or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_days(month: str) -> tuple[date, date]:
    """The first and the last day of ``YYYY-MM``."""
    year, number = int(month[:4]), int(month[5:])
    first = date(year, number, 1)
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def last_twelve_months(today: date) -> tuple[str, str]:
    """The twelve whole months before ``today``'s month."""
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    first_year, first_month = (year - 1, month + 1) if month < 12 else (year, 1)
    return f"{first_year:04d}-{first_month:02d}", f"{year:04d}-{month:02d}"
