"""The figures as the page shows them: labelled rows, and a chart for each table."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from booking.figures.catalogue import Catalogue
from booking.figures.cells import LANGUAGES
from booking.figures.report import Figures
from booking.figures.shown import Shown
from booking.figures_web.charts import Series, bar_chart
from booking.web.i18n import current_language, localized

#: Column names of the tables and charts (counted → label).
LABELS = {
    "booked": _l("Booked"),
    "done": _l("Done"),
    "no_show": _l("No-show"),
    "cancelled": _l("Cancelled"),
    "cancelled_late": _l("Cancelled late (under 24 h)"),
    "failed": _l("Technical failure"),
    "online": _l("Booked online"),
    "desk": _l("Booked at the desk"),
    "interpreter": _l("Interpreter needed"),
    "median_lead_days": _l("Median lead time (days)"),
    "median_waiting_minutes": _l("Median waiting (min)"),
    "median_call_minutes": _l("Median call length (min)"),
    "room_hours_open": _l("Room hours open"),
    "room_hours_booked": _l("Room hours booked"),
    "room_hours_used": _l("Room hours used"),
    "room_use_share": _l("Used of open (%)"),
    "median_third_free_days": _l("Median (days)"),
    "latest_third_free_days": _l("Last measured (days)"),
    "share": _l("Share (%)"),
}
LANGUAGE_LABELS = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}
OUTCOME_COLUMNS = ("booked", "done", "no_show", "cancelled", "cancelled_late", "failed")
MONTH_COLUMNS = (
    *OUTCOME_COLUMNS,
    "median_lead_days",
    "median_waiting_minutes",
    "median_call_minutes",
)
CHANNEL_COLUMNS = ("online", "desk", "interpreter")
POINT_COLUMNS = ("room_hours_open", "room_hours_booked", "room_hours_used", "room_use_share")
THIRD_FREE_COLUMNS = ("median_third_free_days", "latest_third_free_days")


def month_label(month: str) -> str:
    first = date(int(month[:4]), int(month[5:]), 1)
    return format_date(first, "LLLL yyyy", locale=current_language())


def page_context(figures: Figures, catalogue: Catalogue) -> dict[str, object]:
    months = [month_label(row.key[0]) for row in figures.months]
    points = [_name(catalogue.points, row.key[1]) for row in figures.points]
    pairs = [
        f"{_name(catalogue.points, row.key[0])}, {_name(catalogue.agencies, row.key[1])}"
        for row in figures.third_free
    ]
    languages = [
        {
            "label": LANGUAGE_LABELS[language],
            "count": figures.total[f"language_{language}"],
            "share": figures.total[f"language_{language}_share"],
        }
        for language in LANGUAGES
    ]
    languages.append(
        {
            "label": LABELS["interpreter"],
            "count": figures.total["interpreter"],
            "share": figures.total["interpreter_share"],
        }
    )

    def series(rows, columns):
        return [Series(str(LABELS[c]), [row.figures[c] for row in rows]) for c in columns]

    return {
        "month_label": month_label,
        "labels": LABELS,
        "month_columns": MONTH_COLUMNS,
        "channel_columns": CHANNEL_COLUMNS,
        "point_columns": POINT_COLUMNS,
        "months": list(zip(months, figures.months, strict=True)),
        "points": list(zip(points, figures.points, strict=True)),
        "third_free_columns": THIRD_FREE_COLUMNS,
        "third_free": list(zip(pairs, figures.third_free, strict=True)),
        "languages": languages,
        "outcome_chart": bar_chart(
            "outcomes-chart",
            str(_l("Appointments by month and outcome")),
            months,
            series(figures.months, ("booked", "done", "no_show", "cancelled", "failed")),
        ),
        "channel_chart": bar_chart(
            "channel-chart",
            str(_l("Bookings online and at the desk, by month")),
            months,
            series(figures.months, ("online", "desk")),
        ),
        "language_chart": bar_chart(
            "language-chart",
            str(_l("Share of appointments by language, and with an interpreter (%)")),
            [str(item["label"]) for item in languages],
            [Series(str(LABELS["share"]), [item["share"] for item in languages])],
        ),
        "room_chart": bar_chart(
            "room-chart",
            str(_l("Room hours open, booked and used, by service point")),
            points,
            series(figures.points, ("room_hours_open", "room_hours_booked", "room_hours_used")),
        ),
        "third_free_chart": bar_chart(
            "third-free-chart",
            str(_l("Days to the third free time, by service point and agency")),
            pairs,
            series(figures.third_free, THIRD_FREE_COLUMNS),
        ),
    }


def _name(things: dict, thing_id: str) -> str:
    thing = things.get(thing_id)
    return localized(thing) if thing is not None else thing_id


def value_text(value: Shown) -> Markup | str:
    """A figure in a table cell: the number, ``<5``, ``x`` or a dash."""
    return value.text() or "–"
