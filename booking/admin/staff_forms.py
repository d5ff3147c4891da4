"""Administrators' forms of staff accounts: invite, change access, deactivate, reset."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from booking.admin.expert_forms import CheckboxesField
from booking.data.enums import Role

ROLE_LABELS = {
    Role.ADVISOR: _l("Service advisor"),
    Role.EXPERT: _l("Agency expert"),
    Role.ADMIN: _l("Administrator"),
    Role.COUNCIL: _l("Regional council (figures only)"),
}


class AccessForm(FlaskForm):
    """The role and where it applies; the view fills in the choices the admin may give."""

    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose the role."))])
    points = CheckboxesField(_l("Service points (advisors and administrators)"))
    agency = SelectField(_l("Agency (experts only)"))

    def offer(self, roles: list[Role], points, agencies) -> None:
        self.role.choices = [SelectChoice(role.value, ROLE_LABELS[role]) for role in roles]
        self.points.choices = [SelectChoice(p.id, label) for p, label in points]
        self.agency.choices = [SelectChoice("", "–")] + [
            SelectChoice(a.id, label) for a, label in agencies
        ]


class InviteForm(AccessForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter the e-mail address.")), Length(max=254)],
    )
    display_name = StringField(_l("Name"), validators=[Length(max=120)])
    language = SelectField(
        _l("Language of the e-mail"),
        choices=[
            SelectChoice("fi", _l("Finnish")),
            SelectChoice("sv", _l("Swedish")),
            SelectChoice("en", _l("English")),
        ],
    )


class AccountActionForm(FlaskForm):
    """A button: deactivate or activate (``active``), or send a new password link."""

    active = HiddenField()
