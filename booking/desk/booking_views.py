"""Booking for a caller at the desk, in two form submissions, and searching appointments.

Step one takes the caller's details (phone number first) and either a day or
"next free time now"; step two shows the free times and the topic, and
submitting it books through the same use case as the public flow.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from booking.appointments import lifecycle as use_cases
from booking.appointments.citizen_details import InvalidDetails, clean_citizen_details, topics_for
from booking.data.availability import free_times
from booking.data.enums import BookingChannel
from booking.data.models import Offering, Service, StaffUser
from booking.desk.blueprint import bp
from booking.desk.forms import CARRIED_FIELDS, CallerForm, TimeChoiceForm
from booking.desk.timeline import search_appointments
from booking.desk.views import DESK_ROLES
from booking.engine.clock import to_helsinki, utc_now
from booking.staff.access import desk_points
from booking.staff.audit import AuditAction, record_viewed
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session
from booking.web.i18n import localized
from booking.web.manage_links import manage_links
from booking.web.refusals import refusal_text, refusal_texts
from booking.web.staff_requests import parse_start
from booking.web.transaction import run_use_case

#: How far "next free time now" looks, and how many times it offers at once.
NEXT_FREE_DAYS = 14
NEXT_FREE_COUNT = 8


def request_token(raw: str | None) -> str:
    """The booking form's token as sent back, or a new one: one form books at most once."""
    if raw and len(raw) == 32 and all(c in "0123456789abcdef" for c in raw):
        return raw
    return uuid.uuid4().hex


def _already_booked(session: Session, token: str, user: StaffUser):
    """The same confirmation again when this form has booked already (a double click).
    The confirmation rides on the address, not on a flash in the session cookie: two
    submissions of one form each set that cookie, and whichever page read it first
    took the message from the other."""
    appointment = use_cases.booked_with(session, token)
    if appointment is None or appointment.booked_by_user_id != user.id:
        return None
    return redirect(url_for("desk.appointment", appointment_id=appointment.id, booked=1))


def _set_choices(form: CallerForm, session: Session, user: StaffUser) -> None:
    points = desk_points(session, user)
    # Empty first choices: a forgotten choice is an error, never the first in the list.
    form.point_id.choices = [SelectChoice(point.id, localized(point)) for point in points]
    if len(points) > 1:
        form.point_id.choices.insert(0, SelectChoice("", _("Choose a service point")))
    services = session.scalars(
        select(Service)
        .join(Offering, Offering.service_id == Service.id)
        .where(Offering.point_id.in_([point.id for point in points]), Service.active)
        .distinct()
        .order_by(Service.agency_id, Service.id)
    ).all()
    form.service_id.choices = [SelectChoice("", _("Choose a service"))] + [
        SelectChoice(service.id, localized(service), optgroup=localized(service.agency))
        for service in services
    ]
    if isinstance(form, TimeChoiceForm):
        service = session.get(Service, form.service_id.data or "")
        topics = topics_for(service.agency_id) if service is not None else ()
        form.topic.choices = [SelectChoice("", _("Not given"))] + [
            SelectChoice(key, _(label)) for key, label in topics
        ]


def _check_caller(form: CallerForm, session: Session) -> bool:
    """Step one's check, so that mistakes show before the times; False puts errors on fields.

    The booking use case checks the same details again when step two books."""
    offered = session.get(Offering, (form.point_id.data, form.service_id.data))
    if offered is None:
        form.service_id.errors.append(_("This service is not offered at this point."))
        return False
    try:
        clean_citizen_details(
            name=form.name.data,
            phone=form.phone.data,
            email=form.email.data,
            language=form.language.data,
            needs=form.needs.data,
            interpreter_language=form.interpreter_language.data,
            agency_id=offered.service.agency_id,
            mobile_required=False,
        )
    except InvalidDetails as invalid:
        _put_on_fields(form, invalid)
        return False
    return True


def _put_on_fields(form: CallerForm, refusal: use_cases.BookingError | InvalidDetails) -> None:
    """Put the refusal's messages on the form's fields, translated."""
    for name, text in refusal_texts(refusal).items():
        if name in form:
            form[name].errors.append(text)


def _caller_page(form: CallerForm):
    return render_template("desk/book.html", title=_("Book for a caller"), form=form)


def _times_page(form: TimeChoiceForm | CallerForm, session: Session, *, next_free: bool):
    now = utc_now()
    today = to_helsinki(now).date()
    point_id, service_id = form.point_id.data, form.service_id.data
    notice = use_cases.DESK_MIN_NOTICE  # the caller may be standing at the desk
    later = None  # where "later times" goes on from, when there are more
    if next_free or form.day.data is None:
        next_free = True
        last = today + timedelta(days=NEXT_FREE_DAYS)
        times = free_times(session, point_id, service_id, today, last, now, min_notice=notice)
        after = parse_start(request.form.get("after"))
        if after is not None:
            times = [t for t in times if t > after]
        if len(times) > NEXT_FREE_COUNT:
            times = times[:NEXT_FREE_COUNT]
            later = times[-1]
    else:
        day = form.day.data
        times = free_times(session, point_id, service_id, day, day, now, min_notice=notice)
    day = None if next_free else form.day.data
    choice = form if isinstance(form, TimeChoiceForm) else TimeChoiceForm(formdata=None)
    if choice is not form:
        choice.service_id.data = service_id
        _set_choices(choice, session, staff_user())
    carried = {name: request.form.get(name, "") for name in CARRIED_FIELDS}
    if next_free:
        carried["day"] = ""
    offered = [t.isoformat() for t in times]
    chosen = request.form.get("starts_at", "")
    return render_template(
        "desk/book_time.html",
        title=_("Choose a time"),
        form=choice,
        carried=carried,
        times=times,
        next_free=next_free,
        later=later,
        day=day,
        chosen=chosen if chosen in offered else (offered[0] if offered else ""),
        request_token=request_token(request.form.get("request_token")),
        service=session.get(Service, service_id),
    )


def _refused_page(
    form: TimeChoiceForm, session: Session, refusal: use_cases.BookingError, *, next_free: bool
):
    """The refusal on its fields, and the page to put it right on: the caller's details
    when they are at fault (a wrong topic is chosen beside the times), else fresh times."""
    if isinstance(refusal, use_cases.DetailsRefused | use_cases.TooManyActiveBookings):
        _put_on_fields(form, refusal)
        if set(refusal_texts(refusal)) != {"topic"}:
            return _caller_page(form)
    else:
        form.starts_at.errors.append(refusal_text(refusal))
    return _times_page(form, session, next_free=next_free)


@bp.route("/desk/book", methods=["GET", "POST"])
@staff_required(*DESK_ROLES, read_only=True)  # step one writes nothing; it looks and checks
def book():
    db = get_session()
    form = CallerForm()
    _set_choices(form, db, staff_user())
    if "edit" in request.form:  # back from step two: the details as they were
        return _caller_page(form)
    if form.validate_on_submit() and _check_caller(form, db):
        return _times_page(form, db, next_free="next_free" in request.form)
    return _caller_page(form)


@bp.post("/desk/book/confirm")
@staff_required(*DESK_ROLES)
def book_confirm():
    db = get_session()
    user = staff_user()
    form = TimeChoiceForm()
    _set_choices(form, db, user)
    next_free = not request.form.get("day")
    token = request_token(request.form.get("request_token"))
    if (already := _already_booked(db, token, user)) is not None:
        return already
    valid = form.validate_on_submit()
    if any(form[name].errors for name in CARRIED_FIELDS):
        return _caller_page(form)
    start = parse_start(form.starts_at.data)
    if not valid or start is None:
        if not form.starts_at.errors:
            form.starts_at.errors.append(_("Choose a time."))
        return _times_page(form, db, next_free=next_free)
    now = utc_now()
    booking = use_cases.BookingRequest(
        point_id=form.point_id.data,
        service_id=form.service_id.data,
        starts_at=start,
        name=form.name.data,
        phone=form.phone.data,
        email=form.email.data,
        language=form.language.data,
        topic=form.topic.data or "",
        needs=form.needs.data or "",
        interpreter_language=form.interpreter_language.data,
        channel=BookingChannel.DESK,
        booked_by_user_id=user.id,
        request_token=token,
    )
    outcome = run_use_case(
        db,
        lambda: use_cases.book_appointment(
            db,
            booking,
            now=now,
            max_active_per_agency=current_app.config["BOOKING_MAX_ACTIVE_PER_AGENCY"],
            links=manage_links(),
        ),
        # Any refusal: the page to put it right on, with the day's fresh times.
        look_around=lambda refusal: _refused_page(form, db, refusal, next_free=next_free),
        look_around_after=use_cases.BookingError,
    )
    if outcome.refusal is not None:  # the same form may have won meanwhile
        return _already_booked(db, token, user) or outcome.looked_around
    return _already_booked(db, token, user)


@bp.get("/desk/search")
@staff_required(*DESK_ROLES)
def search():
    db = get_session()
    user = staff_user()
    text = request.args.get("q", "").strip()[:120]
    results = search_appointments(db, user, text) if len(text) >= 2 else []
    if results:
        record_viewed(
            db,
            user_id=user.id,
            action=AuditAction.SEARCH,
            now=utc_now(),
            appointment_ids=[a.id for a in results],
        )
        db.commit()
    return render_template(
        "desk/search.html", title=_("Search"), query=text, results=results, searched=bool(text)
    )
