"""The administrator's form of an expert: agency, services, languages, weekly hours."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from booking.admin.point_forms import WeeklyHoursForm


class CheckboxesField(SelectMultipleField):
    """Several choices as check boxes (the template puts them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExpertForm(WeeklyHoursForm):
    """``hours_0`` … ``hours_6`` (from :meth:`WeeklyHoursForm.with_days`) are her working
    hours; the choices are filled in by the view."""

    agency = SelectField(_l("Agency"), validators=[DataRequired(_l("Choose the agency."))])
    services = CheckboxesField(_l("Services"), validate_choice=True)
    languages = CheckboxesField(
        _l("Languages"),
        choices=[
            SelectChoice("fi", _l("Finnish")),
            SelectChoice("sv", _l("Swedish")),
            SelectChoice("en", _l("English")),
        ],
    )

    def validate_languages(self, field) -> None:
        # Not DataRequired: that would mark every box required.
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))
