"""Administrators' forms of a point itself (names, address, phone, shown online) and of a
new point with its first room."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from booking.region.point_changes import ROOM_NAME_MAX_LENGTH
from booking.region.point_details import (
    NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POINT_ID_MAX_LENGTH,
    POST_OFFICE_MAX_LENGTH,
    STREET_MAX_LENGTH,
    PointDetails,
)

SHOWN, HIDDEN = "shown", "hidden"
_FILL_IN = _l("Fill in this field.")


def _text(label, limit: int) -> StringField:
    too_long = _l("Write at most %(max)d characters.")
    return StringField(
        label, validators=[DataRequired(_FILL_IN), Length(max=limit, message=too_long)]
    )


class PointDetailsForm(FlaskForm):
    """A point's details; the municipalities are filled in by the view."""

    name_fi = _text(_l("Name in Finnish"), NAME_MAX_LENGTH)
    name_sv = _text(_l("Name in Swedish"), NAME_MAX_LENGTH)
    name_en = _text(_l("Name in English"), NAME_MAX_LENGTH)
    street_address = _text(_l("Street address"), STREET_MAX_LENGTH)
    postal_code = StringField(
        _l("Postal code"),
        validators=[
            DataRequired(_FILL_IN),
            Regexp(r"^\s*\d{5}\s*$", message=_l("Write the postal code as 5 digits, e.g. 42700.")),
        ],
    )
    post_office = _text(_l("Post office"), POST_OFFICE_MAX_LENGTH)
    phone = StringField(
        _l("Phone (optional)"),
        validators=[Length(max=PHONE_MAX_LENGTH, message=_l("Write at most %(max)d characters."))],
    )
    # The use case names an unknown municipality in the page's language.
    municipality_id = SelectField(
        _l("Municipality"),
        validators=[DataRequired(_l("Choose the municipality."))],
        validate_choice=False,
    )
    online = RadioField(
        _l("Online booking"),
        choices=[
            SelectChoice(SHOWN, _l("Shown: citizens find the point and book online")),
            SelectChoice(HIDDEN, _l("Hidden: booked at the desk only")),
        ],
        default=SHOWN,
        validators=[DataRequired(_l("Choose whether the point is shown online."))],
    )
    confirm = HiddenField()

    def details(self) -> PointDetails:
        return PointDetails(
            name_fi=self.name_fi.data,
            name_sv=self.name_sv.data,
            name_en=self.name_en.data,
            street_address=self.street_address.data,
            postal_code=self.postal_code.data,
            post_office=self.post_office.data,
            phone=self.phone.data or "",
            municipality_id=self.municipality_id.data,
            online=self.online is not None and self.online.data == SHOWN,
        )


class NewPointForm(PointDetailsForm):
    """A new point: its id in the region file, its details and its first room.  It starts
    hidden online, so the form does not ask."""

    point_id = StringField(
        _l("Id (in the region file and the addresses, e.g. uusi-piste)"),
        validators=[
            DataRequired(_FILL_IN),
            Length(max=POINT_ID_MAX_LENGTH, message=_l("Write at most %(max)d characters.")),
        ],
    )
    room_name = _text(_l("First room's name"), ROOM_NAME_MAX_LENGTH)
    online = None  # a new point starts hidden online
