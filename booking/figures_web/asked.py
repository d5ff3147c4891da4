"""The figures asked for in a query string: ``from``/``to`` months and the filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from booking.figures.catalogue import Catalogue
from booking.figures.scope import Scope, last_twelve_months, months_between, parse_month

#: The longest span one page or file covers.
MAX_MONTHS = 60


@dataclass(frozen=True)
class Asked:
    scope: Scope
    #: Field name → message, for what could not be taken as asked.
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str]:
        """The query string of this scope (for the CSV link)."""
        query = {"from": self.scope.first_month, "to": self.scope.last_month}
        for name, value in (
            ("municipality", self.scope.municipality_id),
            ("point", self.scope.point_id),
            ("agency", self.scope.agency_id),
        ):
            if value:
                query[name] = value
        return query


def asked_scope(args: Mapping[str, str], catalogue: Catalogue, today: date) -> Asked:
    """The scope in ``args``; what is missing defaults to the last twelve whole months
    of the whole region, and what is wrong is named in ``errors`` and left out."""
    errors: dict[str, str] = {}
    default_first, default_last = last_twelve_months(today)
    first = _month(args, "from", default_first, errors)
    last = _month(args, "to", default_last, errors)
    if first > last:
        errors["to"] = str(_l("The last month must not be before the first."))
        first, last = default_first, default_last
    elif len(months_between(first, last)) > MAX_MONTHS:
        errors["to"] = str(_l("Choose at most %(count)s months.", count=MAX_MONTHS))
        first, last = default_first, default_last
    choices = {
        "municipality": catalogue.municipalities,
        "point": catalogue.points,
        "agency": catalogue.agencies,
    }
    chosen: dict[str, str | None] = {}
    for name, known in choices.items():
        value = (args.get(name) or "").strip()
        if value and value not in known:
            errors[name] = str(_l("There is no such choice."))
            value = ""
        chosen[name] = value or None
    scope = Scope(
        first,
        last,
        municipality_id=chosen["municipality"],
        point_id=chosen["point"],
        agency_id=chosen["agency"],
    )
    return Asked(scope, errors)


def _month(args: Mapping[str, str], name: str, default: str, errors: dict[str, str]) -> str:
    raw = args.get(name)
    if not raw:
        return default
    month = parse_month(raw)
    if month is None:
        errors[name] = str(_l("Write the month as YYYY-MM, e.g. 2026-03."))
        return default
    return month
