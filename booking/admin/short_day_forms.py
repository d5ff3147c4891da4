"""The administrator's form of the region's short days: the closing time and the days."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from booking.admin.expert_forms import CheckboxesField
from booking.engine.calendar_rules import MAUNDY_THURSDAY, ShortDayRules

#: "30.4.", "30.4" or "30/4": a day and a month, as Finns and Swedes write them.
_DAY_MONTH = re.compile(r"^(\d{1,2})[./](\d{1,2})\.?$")
FIXED_DAYS_MAX_LENGTH = 200


def parse_fixed_days(text: str) -> list[str] | None:
    """``"30.4., 5.12."`` → ``["04-30", "12-05"]`` in calendar order, each once; None
    when a part is no day of the year."""
    days = set()
    for part in filter(None, re.split(r"[\s,;]+", text or "")):
        match = _DAY_MONTH.match(part)
        if match is None:
            return None
        day, month = int(match.group(1)), int(match.group(2))
        try:
            date(2000, month, day)  # a leap year: 29.2. is a day
        except ValueError:
            return None
        days.add(f"{month:02d}-{day:02d}")
    return sorted(days)


def fixed_days_text(rules: ShortDayRules) -> str:
    """The rules' fixed days as the form shows them: ``30.4., 5.12.``."""
    return ", ".join(f"{day}.{month}." for month, day in sorted(set(rules.fixed_dates)))


class ShortDaysForm(FlaskForm):
    """The region's short days; ``confirm`` is set on the consequences page."""

    closes_at = TimeField(
        _l("On short days the points close at the latest at"),
        validators=[DataRequired(_l("Enter the closing time, for example 13:00."))],
    )
    moving_days = CheckboxesField(
        _l("Short days that move with Easter"),
        choices=[SelectChoice(MAUNDY_THURSDAY, _l("Maundy Thursday"))],
    )
    fixed_days = StringField(
        _l("Short days on the same date every year"),
        validators=[Length(max=FIXED_DAYS_MAX_LENGTH)],
    )
    confirm = HiddenField()

    def validate_fixed_days(self, field) -> None:
        if parse_fixed_days(field.data) is None:
            raise ValidationError(_l("Write each day as day.month, for example 30.4., 5.12."))

    def day_names(self) -> tuple[str, ...]:
        """The days as the rules name them: Maundy Thursday first, then the dates."""
        moving = tuple(name for name in (self.moving_days.data or []) if name == MAUNDY_THURSDAY)
        return moving + tuple(parse_fixed_days(self.fixed_days.data) or ())
