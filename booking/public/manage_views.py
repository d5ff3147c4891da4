"""Manage a booking by its link: see it, cancel it, move it, download its calendar file.

The token in the URL is the only key (stored hashed; see
``booking.appointments.find_by_manage_token``).  An unknown or expired link is
a 404 that tells how long links work and whom to call.  Changes are POSTs with
a confirm step, then a redirect.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from booking.appointments.actions import Action, allowed_actions
from booking.appointments.lifecycle import (
    DetailsRefused,
    cancel_appointment,
    find_by_manage_token,
    move_appointment,
    nearby_alternatives,
)
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from booking.engine.clock import HELSINKI, utc_now
from booking.messages.facts import appointment_facts, point_address
from booking.public.blueprint import bp
from booking.public.booking_views import free_starts, month_view
from booking.public.choice import (
    Choice,
    ChoiceError,
    format_start,
    parse_day,
    resolve_choice,
)
from booking.public.forms import CancelForm, MoveForm
from booking.public.timetable import (
    first_of_month,
    month_key,
    times_of_day,
)
from booking.web.database import get_session
from booking.web.i18n import current_language
from booking.web.rate_limits import cancel_limit, lookup_limit, move_limit
from booking.web.refusals import refusal_text, refusal_texts
from booking.web.transaction import run_use_case
from notifications.ical import appointment_calendar

#: Pages that show personal data: never kept in a shared cache or the browser's history.
PRIVATE_ENDPOINTS = frozenset(
    {
        "public.manage",
        "public.booked",
        "public.calendar_file",
        "public.cancel",
        "public.move_day",
        "public.move_time",
        "public.move_confirm",
        "public.details",
        "public.review",
        "public.confirm",
        "public.enter_code",
    }
)
#: A hold waiting for its code, or one that ended without it: no appointment to manage.
UNCONFIRMED = (AppointmentStatus.HELD, AppointmentStatus.EXPIRED)


@bp.after_request
def keep_private_pages_out_of_caches(response):
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def appointment_or_404(token: str, now) -> Appointment:
    appointment = find_by_manage_token(
        get_session(), token, now=now, link_days=current_app.config["BOOKING_MANAGE_LINK_DAYS"]
    )
    if appointment is None:
        abort(link_not_found())
    return appointment


def link_not_found():
    """404 with a page that says why a manage link may not work and what to do instead."""
    page = render_template(
        "public/manage/not_found.html",
        title=_("This link does not work"),
        link_days=current_app.config["BOOKING_MANAGE_LINK_DAYS"],
    )
    return make_response(page, 404)


def manage_url(token: str) -> str:
    return f"{current_app.config['BOOKING_BASE_URL'].rstrip('/')}/manage/{token}"


def changeable(appointment: Appointment, now) -> bool:
    """Whether the citizen may still move or cancel it (the rule the use cases keep)."""
    return bool(allowed_actions(appointment, now, None) & {Action.CANCEL, Action.MOVE})


def appointment_page(template: str, title: str, token: str, appointment: Appointment, now, **extra):
    return render_template(
        template,
        title=title,
        token=token,
        appointment=appointment,
        address=point_address(appointment.point),
        manage_link=manage_url(token),
        changeable=changeable(appointment, now),
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
        **extra,
    )


@bp.get("/manage/<token>")
@lookup_limit
def manage(token: str):
    now = utc_now()
    appointment = appointment_or_404(token, now)
    if appointment.status in UNCONFIRMED:
        return redirect(url_for(".enter_code", token=token))
    return appointment_page(
        "public/manage/show.html", _("Your appointment"), token, appointment, now
    )


@bp.get("/manage/<token>/confirmed")
def booked(token: str):
    now = utc_now()
    appointment = appointment_or_404(token, now)
    if appointment.status in UNCONFIRMED:
        return redirect(url_for(".enter_code", token=token))
    if appointment.status == AppointmentStatus.CANCELLED:
        return redirect(url_for(".manage", token=token))
    return appointment_page(
        "public/manage/confirmed.html",
        _("Your appointment is booked"),
        token,
        appointment,
        now,
        step="done",
    )


@bp.get("/manage/<token>/calendar.ics")
def calendar_file(token: str):
    now = utc_now()
    appointment = appointment_or_404(token, now)
    if appointment.status in UNCONFIRMED:
        abort(404)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    facts = appointment_facts(
        appointment,
        kind="cancelled" if cancelled else "confirmation",
        organizer_email=current_app.config["BOOKING_MAIL_FROM"],
        manage_url=manage_url(token),
        language=current_language(),
    )
    body = appointment_calendar(facts, stamp=now)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8; method=" + (
        "CANCEL" if cancelled else "REQUEST"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="etavaraus-{appointment.reference}.ics"'
    )
    return response


@bp.route("/manage/<token>/cancel", methods=["GET", "POST"])
@cancel_limit
def cancel(token: str):
    now = utc_now()
    session = get_session()
    appointment = appointment_or_404(token, now)
    if not changeable(appointment, now):
        return redirect(url_for(".manage", token=token))
    form = CancelForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            reason = form.reason.data or ""
            refusal = run_use_case(
                session, lambda: cancel_appointment(session, appointment, now=now, reason=reason)
            ).refusal
            if refusal is None:  # the manage page says it is cancelled: no flash repeating it
                return redirect(url_for(".manage", token=token), 303)
            if not isinstance(refusal, DetailsRefused):
                flash(refusal_text(refusal), "error")
                return redirect(url_for(".manage", token=token))
            form.reason.errors = list(refusal_texts(refusal).values())
        status = 422
    page = appointment_page(
        "public/manage/cancel.html",
        _("Cancel the appointment"),
        token,
        appointment,
        now,
        form=form,
    )
    return page, status


def move_choice(appointment: Appointment) -> Choice:
    return Choice(point=appointment.point, service=appointment.service)


@bp.get("/manage/<token>/move")
def move_day(token: str):
    now = utc_now()
    appointment = appointment_or_404(token, now)
    if not changeable(appointment, now):
        return redirect(url_for(".manage", token=token))
    choice = move_choice(appointment)
    month = month_view(
        choice,
        now,
        day_url=lambda day: url_for(".move_time", token=token, day=day),
        month_url=lambda other: url_for(".move_day", token=token, month=month_key(other)),
        opening_month=first_of_month(appointment.starts_at.astimezone(HELSINKI).date()),
        moving=appointment.id,
    )
    return appointment_page(
        "public/book/month.html",
        _("Choose a new day"),
        token,
        appointment,
        now,
        choice=choice,
        back_url=url_for(".manage", token=token),
        moving=True,
        **month,
    )


@bp.get("/manage/<token>/move/<day>")
def move_time(token: str, day: str):
    now = utc_now()
    appointment = appointment_or_404(token, now)
    asked = parse_day(day)
    if asked is None:
        abort(404)
    if not changeable(appointment, now):
        return redirect(url_for(".manage", token=token))
    choice = move_choice(appointment)
    starts = times_of_day(free_starts(choice, asked, asked, now, moving=appointment.id), asked)
    times = [
        (start, url_for(".move_confirm", token=token, start=format_start(start)))
        for start in starts
    ]
    return appointment_page(
        "public/book/day.html",
        _("Choose a new time"),
        token,
        appointment,
        now,
        choice=choice,
        day=asked,
        times=times,
        back_url=url_for(".move_day", token=token, month=month_key(asked)),
        moving=True,
    )


@bp.route("/manage/<token>/move/confirm", methods=["GET", "POST"])
@move_limit
def move_confirm(token: str):
    now = utc_now()
    session = get_session()
    appointment = appointment_or_404(token, now)
    if not changeable(appointment, now):
        return redirect(url_for(".manage", token=token))
    form = MoveForm(data={"start": request.args.get("start", "")})
    choice = move_choice(appointment)
    status = 200
    new_start = None
    try:
        new_start = resolve_choice(
            session, choice.point.id, choice.service.id, form.start.data, now=now
        ).starts_at
    except ChoiceError as refused:
        form.start.errors = [str(refused.message)]
        status = 422
    if new_start is not None and form.validate_on_submit():
        outcome = run_use_case(
            session,
            lambda: move_appointment(session, appointment, new_start, now=now),
            look_around=lambda _taken: moved_taken_page(token, appointment, choice, new_start, now),
        )
        if outcome.looked_around is not None:
            return outcome.looked_around
        if outcome.refusal is None:
            flash(_("Your appointment has been moved."), "success")
            return redirect(url_for(".manage", token=token), 303)
        form.start.errors = [refusal_text(outcome.refusal)]
        status = 422
    return appointment_page(
        "public/manage/move_confirm.html",
        _("Move the appointment"),
        token,
        appointment,
        now,
        form=form,
        new_start=new_start,
    ), status


def moved_taken_page(token, appointment, choice, asked, now):
    """The answer when ``asked`` was just taken: the nearest free times at this point."""
    session = get_session()
    alternatives = nearby_alternatives(session, choice.point.id, choice.service.id, asked, now=now)
    here = [
        (a.starts_at, url_for(".move_confirm", token=token, start=format_start(a.starts_at)))
        for a in alternatives
        if a.point_id == choice.point.id
    ]
    page = appointment_page(
        "public/manage/move_taken.html",
        _("This time was just taken"),
        token,
        appointment,
        now,
        here=here,
        month_url=url_for(".move_day", token=token),
    )
    return page, 409
