"""The citizen's forms (Flask-WTF): details of a booking, cancelling, moving.

The rules for each detail live in :mod:`booking.appointments.citizen_details`; these forms
only carry the values, render the fields and put each refusal on its field in
the user's language.  Every form carries a CSRF token.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from booking.appointments.citizen_details import (
    CANCEL_REASON_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    INTERPRETER_LANGUAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NEEDS_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    CitizenDetails,
    DetailError,
    InvalidDetails,
    clean_citizen_details,
    normalize_free_text,
    topics_for,
)
from booking.appointments.errors import BookingError
from booking.appointments.feedback import MESSAGE_MAX_LENGTH as FEEDBACK_MESSAGE_MAX_LENGTH
from booking.appointments.feedback import PAGE_MAX_LENGTH as FEEDBACK_PAGE_MAX_LENGTH
from booking.appointments.feedback import clean_feedback
from booking.web.refusals import refusal_texts, translated

#: Each meeting language named in itself.
MEETING_LANGUAGES = (("fi", "suomi"), ("sv", "svenska"), ("en", "English"))


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in MEETING_LANGUAGES]


class MarkedRequired:
    """Marks a field required (label and ``required`` attribute); the check itself is
    :func:`clean_citizen_details`, so that the form and the API refuse alike."""

    field_flags = {"required": True}  # noqa: RUF012  (WTForms reads it from the class)

    def __call__(self, form, field):
        return None


class DetailsForm(FlaskForm):
    """The chosen time (hidden, checked again by the view) and the citizen's details."""

    point = HiddenField(_l("Service point"))
    service = HiddenField(_l("Service"))
    start = HiddenField(_l("Time"))
    name = StringField(
        _l("Your name"),
        validators=[MarkedRequired()],
        render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "name", "spellcheck": "false"},
    )
    phone = TelField(
        _l("Mobile number"),
        render_kw={"maxlength": PHONE_MAX_LENGTH, "autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("E-mail address (optional)"),
        render_kw={"maxlength": EMAIL_MAX_LENGTH, "autocomplete": "email", "spellcheck": "false"},
    )
    language = RadioField(
        _l("Language of the meeting"),
        choices=language_choices(),
        default="fi",
        validate_choice=False,
    )
    topic = SelectField(_l("What is it about? (optional)"), choices=[], validate_choice=False)
    interpreter_language = StringField(
        _l("Interpreter (optional)"),
        render_kw={"maxlength": INTERPRETER_LANGUAGE_MAX_LENGTH},
    )
    needs = TextAreaField(
        _l("Accessibility or other needs (optional)"),
        render_kw={"maxlength": NEEDS_MAX_LENGTH, "rows": 3},
    )

    #: Fields the citizen fills in, in page order (the hidden choice fields excluded).
    DETAIL_FIELDS = ("name", "phone", "email", "language", "topic", "interpreter_language", "needs")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cleaned: CitizenDetails | None = None
        self.set_agency(None)

    def set_agency(self, agency_id: str | None) -> None:
        """The topic categories (and their check) follow the chosen service's agency."""
        self.agency_id = agency_id
        self.topic.choices = [SelectChoice("", gettext("Choose a topic"))] + [
            SelectChoice(key, gettext(label)) for key, label in topics_for(agency_id or "")
        ]

    def language_label(self, code: str | None) -> str:
        return dict(MEETING_LANGUAGES).get(code or "", "")

    def topic_label(self, key: str | None) -> str:
        labels = {key: label for key, label in topics_for(self.agency_id or "")}
        return gettext(labels[key]) if key in labels else ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.check_details() and valid

    def check_details(self) -> bool:
        """The citizen's details by the domain's rules (no CSRF check: the review page
        shows a draft kept from a form that passed it)."""
        try:
            self.cleaned = clean_citizen_details(
                name=self.name.data,
                phone=self.phone.data,
                email=self.email.data,
                language=self.language.data,
                topic=self.topic.data or "",
                needs=self.needs.data or "",
                interpreter_language=self.interpreter_language.data or None,
                agency_id=self.agency_id,
                mobile_required=True,
            )
        except InvalidDetails as refused:
            self.add_refusal(refused)
            return False
        return True

    def add_refusal(self, refusal: BookingError | InvalidDetails) -> None:
        """Put a refusal's messages on their fields, in the user's language."""
        for name, text in refusal_texts(refusal).items():
            self.add_error(name, text)

    def add_error(self, name: str | None, message) -> None:
        field = self._fields.get(name or "") or self.start
        field.errors = [*list(field.errors or ()), str(message)]

    def choice_errors(self) -> list[tuple[str, str]]:
        """Errors on the hidden choice fields as (label, message) pairs."""
        return [
            (str(self[name].label.text), str(error))
            for name in ("point", "service", "start")
            for error in self[name].errors
        ]


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        render_kw={"maxlength": CANCEL_REASON_MAX_LENGTH, "rows": 3},
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        try:
            self.reason.data = normalize_free_text(
                self.reason.data, CANCEL_REASON_MAX_LENGTH, "reason"
            )
        except DetailError as refused:
            self.reason.errors = [*list(self.reason.errors or ()), translated(refused.msgid)]
            return False
        return valid


class MoveForm(FlaskForm):
    """Confirms the move to the start time in ``start`` (checked again by the view)."""

    start = HiddenField(_l("Time"))


class CodeForm(FlaskForm):
    """The verification code sent by SMS (checked by ``confirm_hold``)."""

    code = StringField(
        _l("Code"),
        validators=[MarkedRequired()],
        render_kw={"maxlength": 12, "size": 8, "spellcheck": "false"},
    )


class FeedbackForm(FlaskForm):
    """Feedback on accessibility (checked by ``booking.appointments.feedback``)."""

    message = TextAreaField(
        _l("What did you notice, or what do you need?"),
        validators=[MarkedRequired()],
        render_kw={"maxlength": FEEDBACK_MESSAGE_MAX_LENGTH, "rows": 6},
    )
    page = StringField(
        _l("Which page or part of the service? (optional)"),
        render_kw={"maxlength": FEEDBACK_PAGE_MAX_LENGTH},
    )
    reply_to = EmailField(
        _l("Your e-mail address, if you want an answer (optional)"),
        render_kw={"maxlength": EMAIL_MAX_LENGTH, "autocomplete": "email", "spellcheck": "false"},
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        try:
            self.cleaned = clean_feedback(
                message=self.message.data, page=self.page.data, reply_to=self.reply_to.data
            )
        except InvalidDetails as refused:
            for name, text in refusal_texts(refused).items():
                self[name].errors = [*list(self[name].errors or ()), text]
            return False
        return valid
