"""The expert's forms: a technical failure, with its reason from a short list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from booking.data.enums import FailureReason
from booking.web.staff_display import FAILURE_LABELS


class FailureForm(FlaskForm):
    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice(reason.value, label) for reason, label in FAILURE_LABELS.items()],
        validators=[DataRequired()],
        coerce=FailureReason,
    )
