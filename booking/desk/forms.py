"""Desk forms: booking for a caller (details, then a time), cancelling, searching."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from booking.appointments.citizen_details import (
    CANCEL_REASON_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    INTERPRETER_LANGUAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NEEDS_MAX_LENGTH,
    PHONE_MAX_LENGTH,
)
from booking.web.staff_requests import FIRST_YEAR, LAST_YEAR


class PlausibleYear:
    """A date staff could mean (not year 9999, where the day after overflows)."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
            raise ValidationError(_l("Check the date."))


MEETING_LANGUAGES = [
    SelectChoice("fi", _l("Finnish")),
    SelectChoice("sv", _l("Swedish")),
    SelectChoice("en", _l("English")),
]


class CallerForm(FlaskForm):
    """Step one: who is calling and what for. The phone number comes first."""

    phone = StringField(
        _l("Phone number"),
        description=_l(
            "A mobile number gets the confirmation by SMS. With a landline or no number "
            "the caller gets a printed slip."
        ),
        validators=[Optional(), Length(max=PHONE_MAX_LENGTH)],
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the caller's name.")), Length(max=NAME_MAX_LENGTH)],
    )
    point_id = SelectField(
        _l("Service point"), validators=[DataRequired(_l("Choose a service point."))]
    )
    service_id = SelectField(_l("Service"), validators=[DataRequired(_l("Choose a service."))])
    day = DateField(_l("Day"), validators=[Optional(), PlausibleYear()])
    language = SelectField(_l("Language of the meeting"), choices=MEETING_LANGUAGES, default="fi")
    email = EmailField(
        _l("E-mail address (optional)"), validators=[Optional(), Length(max=EMAIL_MAX_LENGTH)]
    )
    interpreter_language = StringField(
        _l("Interpreter needed: language (optional)"),
        validators=[Optional(), Length(max=INTERPRETER_LANGUAGE_MAX_LENGTH)],
    )
    needs = TextAreaField(
        _l("Accessibility or other needs (optional)"),
        validators=[Optional(), Length(max=NEEDS_MAX_LENGTH)],
    )


#: The fields of step one that step two carries along as hidden inputs.
CARRIED_FIELDS = (
    "phone",
    "name",
    "point_id",
    "service_id",
    "day",
    "language",
    "email",
    "interpreter_language",
    "needs",
)


class TimeChoiceForm(CallerForm):
    """Step two: the time (a radio list) and the topic; submitting books."""

    starts_at = StringField(_l("Time"), validators=[DataRequired(_l("Choose a time."))])
    topic = SelectField(_l("Topic"), validators=[Optional()])


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Optional(), Length(max=CANCEL_REASON_MAX_LENGTH)]
    )


class SummaryEmailForm(FlaskForm):
    """The caller's address for the booking's summary (checked by the use case)."""

    email = EmailField(_l("E-mail address"), validators=[Optional(), Length(max=EMAIL_MAX_LENGTH)])


class MoveForm(FlaskForm):
    starts_at = StringField(_l("New time"), validators=[DataRequired(_l("Choose a time."))])
