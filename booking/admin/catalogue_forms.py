"""Administrators' forms of an agency and of a service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from booking.region.catalogue_changes import SERVICE_NUMBERS
from booking.region.schema import WHAT_TO_BRING


def _text(label, most: int) -> StringField:
    return StringField(
        label, validators=[DataRequired(_l("Fill in this field.")), Length(max=most)]
    )


def _number(label, name: str) -> IntegerField:
    least, most = SERVICE_NUMBERS[name]
    return IntegerField(
        label,
        validators=[
            DataRequired(_l("Give a whole number.")) if least > 0 else NumberRange(min=0),
            NumberRange(least, most, _l("Give a whole number from %(min)s to %(max)s.")),
        ],
    )


def _bring(label) -> TextAreaField:
    too_long = _l("Write at most %(max)d characters.")
    return TextAreaField(label, validators=[Length(max=WHAT_TO_BRING, message=too_long)])


class AgencyForm(FlaskForm):
    name_fi = _text(_l("Name in Finnish"), 120)
    name_sv = _text(_l("Name in Swedish"), 120)
    name_en = _text(_l("Name in English"), 120)
    sms_name_fi = _text(_l("Name in text messages, in Finnish"), 60)
    sms_name_sv = _text(_l("Name in text messages, in Swedish"), 60)
    sms_name_en = _text(_l("Name in text messages, in English"), 60)
    meeting_link_template = _text(_l("Meeting link, with {reference} for the booking"), 200)


class ServiceForm(FlaskForm):
    name_fi = _text(_l("Name in Finnish"), 120)
    name_sv = _text(_l("Name in Swedish"), 120)
    name_en = _text(_l("Name in English"), 120)
    duration_minutes = _number(_l("Length of the meeting (minutes)"), "duration_minutes")
    buffer_minutes = _number(_l("Set-up time after it (minutes)"), "buffer_minutes")
    grid_minutes = _number(_l("Start times every (minutes)"), "grid_minutes")
    min_notice_minutes = _number(
        _l("Book at least this long before (minutes)"), "min_notice_minutes"
    )
    horizon_days = _number(_l("Book at most this far ahead (days)"), "horizon_days")
    photo_id_required = BooleanField(_l("The citizen shows a photo ID"))
    what_to_bring_fi = _bring(_l("What to bring, in Finnish"))
    what_to_bring_sv = _bring(_l("What to bring, in Swedish"))
    what_to_bring_en = _bring(_l("What to bring, in English"))
