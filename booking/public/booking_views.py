"""The citizen's booking flow: service → day → time → details → review → confirmed.

Works without JavaScript: plain links and forms, post/redirect/get after the
details (to the review, ``review_views``) and after the booking.  The choice
(point, service, start time) travels in URLs and hidden fields and is checked
again at every step (``booking.public.choice``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.appointments.lifecycle import (
    BookingRequest,
    book_appointment,
    nearby_alternatives,
)
from booking.data import availability as calendars
from booking.data.enums import AppointmentStatus
from booking.data.models import Agency, Appointment, Offering, Service, ServicePoint
from booking.data.sessions import read_only
from booking.engine.clock import utc_now
from booking.public.blueprint import bp
from booking.public.choice import (
    Choice,
    ChoiceError,
    bookable_days,
    format_start,
    parse_day,
    parse_month,
    resolve_choice,
    resolve_point_service,
)
from booking.public.draft import choice_args, draft_for, keep_draft, remember_booked
from booking.public.forms import DetailsForm
from booking.public.held_hold import remember_hold, token_of_own_hold
from booking.public.timetable import (
    add_months,
    count_by_day,
    first_of_month,
    last_of_month,
    month_grid,
    month_key,
    times_of_day,
)
from booking.web.database import get_session
from booking.web.i18n import current_language
from booking.web.manage_links import manage_links
from booking.web.phone_proof import hold_policy
from booking.web.rate_limits import book_limit
from booking.web.transaction import run_use_case

#: How many months ahead the month view looks for the first one with free times.
MONTHS_TO_LOOK_AHEAD = 3


def choice_or_404(point_id: str, service_id: str) -> Choice:
    try:
        return resolve_point_service(get_session(), point_id, service_id)
    except ChoiceError:
        abort(404)


def free_starts(choice: Choice, first: date, last: date, now, *, moving: int | None = None) -> list:
    """Free start times on local days ``first``..``last``, kept inside the bookable days.
    ``moving``: the id of the appointment being moved, whose own time counts as free."""
    earliest, latest = bookable_days(choice.service, now=now)
    first, last = max(first, earliest), min(last, latest)
    if first > last:
        return []
    return calendars.free_times(
        get_session(),
        choice.point.id,
        choice.service.id,
        first,
        last,
        now,
        ignoring_appointment_id=moving,
    )


def is_free(choice: Choice, now) -> bool:
    day = choice.local_day
    return choice.starts_at in free_starts(choice, day, day, now)


@bp.get("/book/<point_id>")
def choose_service(point_id: str):
    session = get_session()
    point = session.get(ServicePoint, point_id)
    if point is None or not point.active or not point.online:
        abort(404)
    services = session.scalars(
        select(Service)
        .join(Offering, Offering.service_id == Service.id)
        .join(Agency, Agency.id == Service.agency_id)
        .where(Offering.point_id == point.id, Service.active)
        .order_by(Agency.name_fi, Service.name_fi)
    ).all()
    by_agency: dict[str, list[Service]] = {}
    for service in services:
        by_agency.setdefault(service.agency_id, []).append(service)
    return render_template(
        "public/book/service.html",
        title=_("Choose a service"),
        point=point,
        groups=[(group[0].agency, group) for group in by_agency.values()],
    )


def month_view(
    choice: Choice,
    now,
    *,
    day_url: Callable[[date], str],
    month_url: Callable[[date], str],
    opening_month: date | None = None,
    moving: int | None = None,
) -> dict[str, object]:
    """The month asked in ``?month=`` (kept inside the bookable months) with its free days.

    Without an asked month: ``opening_month`` if given, else the first month that
    has free times.  ``moving``: as in :func:`free_starts`."""
    earliest, latest = bookable_days(choice.service, now=now)
    first_month, last_month = first_of_month(earliest), first_of_month(latest)
    asked = parse_month(request.args.get("month")) or opening_month
    month = min(max(asked or first_month, first_month), last_month)
    starts = free_starts(choice, month, last_of_month(month), now, moving=moving)
    if asked is None:
        for _step in range(MONTHS_TO_LOOK_AHEAD):
            if starts or month >= last_month:
                break
            month = add_months(month, 1)
            starts = free_starts(choice, month, last_of_month(month), now, moving=moving)
    return {
        "grid": month_grid(month, count_by_day(starts), day_url),
        "previous_url": month_url(add_months(month, -1)) if month > first_month else None,
        "next_url": month_url(add_months(month, 1)) if month < last_month else None,
    }


@bp.get("/book/<point_id>/<service_id>")
def choose_day(point_id: str, service_id: str):
    choice = choice_or_404(point_id, service_id)
    month = month_view(
        choice,
        utc_now(),
        day_url=lambda day: url_for(
            ".choose_time", point_id=point_id, service_id=service_id, day=day
        ),
        month_url=lambda other: url_for(
            ".choose_day", point_id=point_id, service_id=service_id, month=month_key(other)
        ),
    )
    return render_template(
        "public/book/month.html",
        title=_("Choose a day"),
        choice=choice,
        back_url=url_for(".choose_service", point_id=point_id),
        step="day",
        **month,
    )


@bp.get("/book/<point_id>/<service_id>/<day>")
def choose_time(point_id: str, service_id: str, day: str):
    choice = choice_or_404(point_id, service_id)
    asked = parse_day(day)
    if asked is None:
        abort(404)
    now = utc_now()
    starts = times_of_day(free_starts(choice, asked, asked, now), asked)
    times = [
        (
            start,
            url_for(".details", point=point_id, service=service_id, start=format_start(start)),
        )
        for start in starts
    ]
    return render_template(
        "public/book/day.html",
        title=_("Choose a time"),
        choice=choice,
        day=asked,
        times=times,
        back_url=url_for(
            ".choose_day", point_id=point_id, service_id=service_id, month=month_key(asked)
        ),
        step="time",
    )


def already_booked_by(choice: Choice, name: str, phone: str | None) -> Appointment | None:
    """This citizen's (same name and mobile number) booking or hold of this very time."""
    return get_session().scalar(
        select(Appointment).where(
            Appointment.point_id == choice.point.id,
            Appointment.service_id == choice.service.id,
            Appointment.starts_at == choice.starts_at,
            Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.HELD)),
            Appointment.phone == phone,
            Appointment.name == name,
        )
    )


def taken_page(choice: Choice, form: DetailsForm | None, now):
    """The calm "just taken" answer with the nearest free times here and elsewhere."""
    session = get_session()
    alternatives = nearby_alternatives(
        session, choice.point.id, choice.service.id, choice.starts_at, now=now
    )
    points = {
        point.id: point
        for point in session.scalars(
            select(ServicePoint).where(ServicePoint.id.in_({a.point_id for a in alternatives}))
        )
    }
    options = [
        (
            points[a.point_id],
            a.starts_at,
            format_start(a.starts_at),
            url_for(
                ".details",
                point=a.point_id,
                service=choice.service.id,
                start=format_start(a.starts_at),
            ),
        )
        for a in alternatives
        if a.point_id in points
    ]
    here = [option for option in options if option[0].id == choice.point.id]
    elsewhere = [option for option in options if option[0].id != choice.point.id]
    page = render_template(
        "public/book/taken.html",
        title=_("This time was just taken"),
        choice=choice,
        form=form,
        here=here,
        elsewhere=elsewhere,
        month_url=url_for(".choose_day", point_id=choice.point.id, service_id=choice.service.id),
        step="time",
    )
    return page, 409


def details_page(form: DetailsForm, choice: Choice | None, status: int = 200):
    return (
        render_template(
            "public/book/details.html",
            title=_("Your details"),
            form=form,
            choice=choice,
            step="details",
        ),
        status,
    )


def chosen(form: DetailsForm, now) -> Choice | None:
    """The form's choice checked again; on a refusal the error is put on its field."""
    try:
        return resolve_choice(
            get_session(), form.point.data, form.service.data, form.start.data, now=now
        )
    except ChoiceError as refused:
        form.add_error(refused.field, refused.message)
        try:
            return resolve_point_service(get_session(), form.point.data, form.service.data)
        except ChoiceError:
            return None


def apply_alternative(form: DetailsForm) -> None:
    """A "just taken" page re-posts the details with ``alternative=<point> <start>``."""
    alternative = request.form.get("alternative", "")
    if alternative:
        point_id, _sep, start = alternative.partition(" ")
        form.point.data, form.start.data = point_id, start


@bp.route("/book/details", methods=["GET", "POST"])
def details():
    with read_only():  # a look and a check, never a write: no write lock on SQLite
        return details_step()


def details_step():
    now = utc_now()
    if request.method == "GET":
        asked = choice_args(request.args)
        draft = draft_for(asked)
        if draft and "booked" in draft:  # Back after booking: the review says it is booked
            return redirect(url_for(".review", **asked))
        # Back from the review page: what was typed for this time is still there.
        form = DetailsForm(data=draft or {**asked, "language": current_language()})
    else:
        form = DetailsForm()
        apply_alternative(form)
    choice = chosen(form, now)
    form.set_agency(choice.service.agency_id if choice else None)
    if choice is None or choice.starts_at is None:
        return details_page(form, choice, 422)
    if not is_free(choice, now):
        return taken_page(choice, form if request.method == "POST" else None, now)
    if request.method == "GET" or request.form.get("edit"):
        return details_page(form, choice)
    if not form.validate():
        return details_page(form, choice, 422)
    keep_draft(form)
    return redirect(url_for(".review", **choice_args(form.data)), 303)


@bp.post("/book/confirm")
@book_limit
def confirm():
    now = utc_now()
    session = get_session()
    form = DetailsForm()
    choice = chosen(form, now)
    form.set_agency(choice.service.agency_id if choice else None)
    if choice is None or choice.starts_at is None or not form.validate():
        return details_page(form, choice, 422)
    details = form.cleaned
    booking = BookingRequest(
        point_id=choice.point.id,
        service_id=choice.service.id,
        starts_at=choice.starts_at,
        name=details.name,
        phone=details.phone,
        email=details.email,
        language=details.language,
        topic=details.topic,
        needs=details.needs,
        interpreter_language=details.interpreter_language,
    )
    config = current_app.config
    outcome = run_use_case(
        session,
        lambda: book_appointment(
            session,
            booking,
            now=now,
            max_active_per_agency=config["BOOKING_MAX_ACTIVE_PER_AGENCY"],
            links=manage_links(),
            hold=hold_policy(),
        ),
        look_around=lambda _taken: taken_or_already_yours(choice, form, details, now),
    )
    if outcome.looked_around is not None:
        return outcome.looked_around
    if outcome.refusal is not None:
        form.add_refusal(outcome.refusal)
        return details_page(form, choice, 422)
    token = outcome.result.manage_token
    if outcome.result.appointment.status == AppointmentStatus.HELD:
        remember_hold(token)
        return redirect(url_for(".enter_code", token=token), 303)
    remember_booked(choice_args(form.data), token)
    return redirect(url_for(".booked", token=token), 303)


def taken_or_already_yours(choice: Choice, form: DetailsForm, details, now):
    mine = already_booked_by(choice, details.name, details.phone)
    held_token = token_of_own_hold(mine)
    if held_token:  # a second click on "Confirm": the first one holds the time
        return redirect(url_for(".enter_code", token=held_token), 303)
    if mine is not None:
        # A second click on "Confirm": the first one booked it for this citizen.
        page = render_template(
            "public/book/already.html", title=_("This time is already yours"), choice=choice
        )
        return page, 200
    return taken_page(choice, form, now)


@bp.get("/book/confirm")
def confirm_again():
    """A confirm URL opened directly (e.g. by the language switch) goes to the review."""
    return redirect(url_for(".review", **choice_args(request.args)))
