"""Administrators' forms of a point: weekly opening hours, special hours, rooms, offerings."""

from __future__ import annotations

import re
from datetime import time

from babel.dates import get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from booking.admin.forms import plausible_year
from booking.region.calendar_changes import REASON_MAX_LENGTH, intervals_are_valid
from booking.region.point_changes import ROOM_NAME_MAX_LENGTH
from booking.web.i18n import EXAMPLE_DAY, current_language, hours_text

#: "8.30–12", "8:30 - 12:00": clock times as Finns and Swedes ("8.30") or the English write them.
_INTERVAL = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[.:](\d{2}))?$")
WEEKDAYS = range(7)
HOURS_TEXT_MAX_LENGTH = 100


def parse_intervals(text: str) -> list[tuple[time, time]] | None:
    """``"8.30–12, 13–16"`` → two intervals; empty → none (closed); None when unreadable
    or when an interval ends before it starts or overlaps the next."""
    intervals = []
    for part in filter(None, (piece.strip() for piece in (text or "").split(","))):
        match = _INTERVAL.match(part)
        if match is None:
            return None
        h1, m1, h2, m2 = (int(value or 0) for value in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            return None
        intervals.append((time(h1, m1), time(h2, m2)))
    intervals.sort()
    return intervals if intervals_are_valid(intervals) else None


def readable_hours(form, field) -> None:
    if parse_intervals(field.data) is None:
        raise ValidationError(
            _("Write the hours as %(example)s (empty: closed).", example=hours_text(EXAMPLE_DAY))
        )


def weekday_labels() -> list[str]:
    """Monday to Sunday as a label on its own: "Maanantai", "Måndag", "Monday"."""
    names = get_day_names("wide", context="stand-alone", locale=current_language())
    return [names[day].capitalize() for day in WEEKDAYS]


class WeeklyHoursForm(FlaskForm):
    """A text field a weekday (``hours_0`` is Monday), filled in with the hours as they are."""

    confirm = HiddenField()

    @classmethod
    def with_days(cls) -> type[WeeklyHoursForm]:
        """The form with one field a weekday, labelled in the page's language."""
        names = weekday_labels()
        fields = {
            f"hours_{day}": StringField(
                names[day],
                validators=[Length(max=HOURS_TEXT_MAX_LENGTH), readable_hours],
            )
            for day in WEEKDAYS
        }
        return type("WeeklyHours", (cls,), fields)

    def intervals(self) -> dict[int, list[tuple[time, time]]]:
        return {day: parse_intervals(self[f"hours_{day}"].data) for day in WEEKDAYS}


class SpecialHoursForm(FlaskForm):
    """One day's shorter hours: the rest of that day's weekly hours is closed."""

    day = DateField(
        _l("Day"), validators=[DataRequired(_l("Enter the day as a date.")), plausible_year]
    )
    opens = TimeField(_l("Open from"), validators=[DataRequired(_l("Enter the time."))])
    closes = TimeField(_l("Open until"), validators=[DataRequired(_l("Enter the time."))])
    reason = StringField(
        _l("Reason, shown to citizens on the point's page"),
        validators=[DataRequired(_l("Enter the reason.")), Length(max=REASON_MAX_LENGTH)],
    )
    confirm = HiddenField()

    def validate_closes(self, field) -> None:
        if self.opens.data and field.data and field.data <= self.opens.data:
            raise ValidationError(_l("The end must be later than the start."))


class RoomForm(FlaskForm):
    name = StringField(
        _l("Room's name"),
        validators=[DataRequired(_l("Enter the room's name.")), Length(max=ROOM_NAME_MAX_LENGTH)],
    )
    confirm = HiddenField()


class RemoveForm(FlaskForm):
    """Removing a room or withdrawing a service: nothing to fill in but the confirmation."""

    confirm = HiddenField()


class OfferingForm(FlaskForm):
    offered = HiddenField(validators=[Optional()])
    confirm = HiddenField()
