"""The code step of an online booking: "we sent a code to 040…", the code typed, booked.

A booking made on the citizen's pages only holds its time (``booking.appointments.
holds``) until the code sent by SMS is typed here.  The manage token in the
URL is the key, as on the manage pages.  Works without JavaScript: a plain
form, then a redirect to the confirmation.  A hold that ended (time out, or
too many wrong codes) says so and leads back to the times.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from booking.appointments.errors import HoldExpired
from booking.appointments.holds import confirm_hold
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from booking.engine.clock import utc_now
from booking.messages.sms_numbers import sms_capable
from booking.public.blueprint import bp
from booking.public.forms import CodeForm
from booking.public.manage_views import appointment_or_404
from booking.web.database import get_session
from booking.web.rate_limits import code_limit
from booking.web.refusals import refusal_text


def ended_page(token: str, appointment: Appointment, message: str):
    page = render_template(
        "public/book/hold_ended.html",
        title=_("The time is no longer held"),
        message=message,
        appointment=appointment,
        times_url=url_for(
            ".choose_day", point_id=appointment.point_id, service_id=appointment.service_id
        ),
        step="code",
    )
    return page, 410


@bp.route("/manage/<token>/code", methods=["GET", "POST"])
@code_limit
def enter_code(token: str):
    now = utc_now()
    session = get_session()
    appointment = appointment_or_404(token, now)
    if appointment.status not in (AppointmentStatus.HELD, AppointmentStatus.BOOKED):
        return ended_page(token, appointment, refusal_text(HoldExpired()))
    if appointment.status == AppointmentStatus.BOOKED:
        return redirect(url_for(".booked", token=token))
    form = CodeForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            refusal = confirm_hold(session, appointment, form.code.data, now=now)
            session.commit()  # a wrong code counts, so it is kept too
            if refusal is None:
                return redirect(url_for(".booked", token=token), 303)
            if isinstance(refusal, HoldExpired):
                return ended_page(token, appointment, refusal_text(refusal))
            form.code.errors = [refusal_text(refusal)]
    elif appointment.expires_at is not None and appointment.expires_at <= now:
        return ended_page(token, appointment, refusal_text(HoldExpired()))
    page = render_template(
        "public/book/code.html",
        title=_("Type the code"),
        form=form,
        token=token,
        appointment=appointment,
        step="code",
        hold_minutes=current_app.config.get("BOOKING_HOLD_MINUTES"),
        by_email=not sms_capable(appointment.phone),
    )
    return page, status
