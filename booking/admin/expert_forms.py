"""The administrator's form of an expert: agency, services, languages, weekly hours."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from booking.admin.point_forms import WeeklyHoursForm


class CheckboxesField(SelectMultipleField):
    """Several choices as check boxes (the template puts them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _languages() -> CheckboxesField:
    return CheckboxesField(
        _l("Languages"),
        choices=[
            SelectChoice("fi", _l("Finnish")),
            SelectChoice("sv", _l("Swedish")),
            SelectChoice("en", _l("English")),
        ],
    )


def _at_least_one_language(form, field) -> None:
    # Not DataRequired: that would mark every box required.
    if not field.data:
        raise ValidationError(_l("Choose at least one language."))


class ExpertForm(WeeklyHoursForm):
    """``hours_0`` … ``hours_6`` (from :meth:`WeeklyHoursForm.with_days`) are her working
    hours; the choices are filled in by the view."""

    agency = SelectField(_l("Agency"), validators=[DataRequired(_l("Choose the agency."))])
    services = CheckboxesField(_l("Services"), validate_choice=True)
    languages = _languages()
    validate_languages = _at_least_one_language


class NewExpertForm(FlaskForm):
    """A new expert: her agency, name, e-mail, services and languages; the choices are
    filled in by the view, the working hours set on her page afterwards."""

    agency = SelectField(
        _l("Agency"), validators=[DataRequired(_l("Choose the agency."))], validate_choice=False
    )
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Enter the expert's name.")),
            Length(max=120, message=_l("Write at most %(max)d characters.")),
        ],
    )
    email = StringField(_l("E-mail (optional)"))
    services = CheckboxesField(_l("Services"), validate_choice=True)
    languages = _languages()
    validate_languages = _at_least_one_language
