"""Administrators' forms: a closure of a point, an absence of an expert."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from booking.region.calendar_changes import REASON_MAX_LENGTH
from booking.web.staff_requests import FIRST_YEAR, LAST_YEAR


def plausible_year(form, field) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Check the date."))


class ClosureForm(FlaskForm):
    """A day (or part of one) the point is closed; ``confirm`` is set on the
    consequences page, so that the first post only shows what would happen."""

    closed_on = DateField(
        _l("Day"),
        validators=[DataRequired(_l("Enter the day as a date.")), plausible_year],
    )
    starts = TimeField(_l("Closed from (leave empty for the whole day)"), validators=[Optional()])
    ends = TimeField(_l("Closed until (leave empty for the whole day)"), validators=[Optional()])
    reason = StringField(
        _l("Reason, shown to citizens on the point's page"),
        validators=[DataRequired(_l("Enter the reason.")), Length(max=REASON_MAX_LENGTH)],
    )
    confirm = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Here, not in a field validator: an empty optional field skips its own.
        starts, ends = self.starts.data, self.ends.data
        problem = None
        if (starts is None) != (ends is None) and not self.starts.errors:
            problem = _l("Give both the start and the end, or neither.")
        elif starts is not None and ends is not None and ends <= starts:
            problem = _l("The end must be later than the start.")
        if problem is not None:
            self.ends.errors = [*self.ends.errors, problem]
            return False
        return valid


class AbsenceForm(FlaskForm):
    """An expert away from the first day to the last (whole days, Helsinki time)."""

    first_day = DateField(
        _l("First day away"),
        validators=[DataRequired(_l("Enter the day as a date.")), plausible_year],
    )
    last_day = DateField(
        _l("Last day away"),
        validators=[DataRequired(_l("Enter the day as a date.")), plausible_year],
    )
    reason = StringField(
        _l("Reason (for staff only)"), validators=[Optional(), Length(max=REASON_MAX_LENGTH)]
    )
    confirm = HiddenField()

    def validate_last_day(self, field) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
