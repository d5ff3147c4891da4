"""Desk views: the day per room, one appointment, its actions, and the print views."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from booking.appointments import lifecycle as use_cases
from booking.appointments.summary import email_summary as email_summary_use_case
from booking.data.availability import free_times
from booking.data.enums import Role
from booking.data.models import ServicePoint
from booking.desk.blueprint import bp
from booking.desk.forms import CancelForm, MoveForm, SummaryEmailForm
from booking.desk.timeline import point_day
from booking.engine.clock import utc_now
from booking.messages.sms_budget import SMS_PER_NUMBER_PER_DAY
from booking.region.consequences import (
    arrivals_needing_attention,
    citizens_to_call,
    mark_called,
)
from booking.region.validity import Problem
from booking.staff.access import desk_points
from booking.staff.audit import AuditAction, record, record_viewed
from booking.web.access import appointment_or_404, require_point, staff_required, staff_user
from booking.web.database import get_session
from booking.web.refusals import refusal_text
from booking.web.staff_display import check_in_window, local_day
from booking.web.staff_requests import ActionForm, parse_day, parse_start, run_change
from booking.web.transaction import run_use_case

DESK_ROLES = (Role.ADVISOR, Role.ADMIN)
#: Why a calendar change made an arrived citizen's call impossible, for the desk.
PROBLEM_LABELS = {
    Problem.POINT_GONE: _l("The service point is no longer in use."),
    Problem.POINT_CLOSED: _l("The service point is closed at this time."),
    Problem.NOT_OFFERED: _l("The service is no longer offered at this point."),
    Problem.ROOM_GONE: _l("The room is out of use and no other room is free at this time."),
    Problem.EXPERT_AWAY: _l("The expert is away and no colleague is free at this time."),
    Problem.EXPERT_UNQUALIFIED: _l(
        "The expert no longer does this service and no colleague is free at this time."
    ),
}


@bp.get("/desk/")
@staff_required(*DESK_ROLES)
def index():
    points = desk_points(get_session(), staff_user())
    if len(points) == 1:
        return redirect(url_for("desk.day", point_id=points[0].id))
    return render_template("desk/points.html", title=_("Desk"), points=points)


def _point_or_404(point_id: str) -> ServicePoint:
    require_point(staff_user(), point_id)
    point = get_session().get(ServicePoint, point_id)
    if point is None:
        abort(404)
    return point


def _show_day(point_id: str, template: str, action: AuditAction):
    point = _point_or_404(point_id)
    db = get_session()
    now = utc_now()
    day = parse_day(request.args.get("day"), now=now)
    rooms = point_day(db, point, day)
    to_call = citizens_to_call(db, point.id)
    to_talk_to = arrivals_needing_attention(db, point.id)
    record_viewed(
        db,
        user_id=staff_user().id,
        action=action,
        now=now,
        appointment_ids=[a.id for room in rooms for a in room.appointments]
        + [a.id for a in to_call + to_talk_to],
        detail=f"{point.id} {day.isoformat()}",
    )
    db.commit()
    return render_template(
        template,
        title=_("Desk"),
        point=point,
        day=day,
        rooms=rooms,
        to_call=to_call,
        to_talk_to=to_talk_to,
        problem_labels=PROBLEM_LABELS,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
    )


@bp.get("/desk/<point_id>")
@staff_required(*DESK_ROLES)
def day(point_id: str):
    return _show_day(point_id, "desk/day.html", AuditAction.VIEW_DESK_DAY)


@bp.get("/desk/<point_id>/day-sheet")
@staff_required(*DESK_ROLES)
def day_sheet(point_id: str):
    return _show_day(point_id, "desk/day_sheet.html", AuditAction.PRINT_DAY_SHEET)


def _seen_appointment(appointment_id: int, action: AuditAction):
    """The appointment a page shows, its viewing audited (and committed)."""
    db = get_session()
    user = staff_user()
    item = appointment_or_404(db, user, appointment_id)
    record(db, user_id=user.id, action=action, now=utc_now(), appointment_id=item.id)
    db.commit()
    return item


@bp.get("/desk/appointments/<int:appointment_id>")
@staff_required(*DESK_ROLES)
def appointment(appointment_id: int):
    item = _seen_appointment(appointment_id, AuditAction.VIEW_APPOINTMENT)
    with force_locale(item.language):  # read out to the caller in their language
        # The partial is an autoescaped template: its output is safe HTML already.
        read_out = Markup(render_template("desk/_read_out.html", appointment=item))  # noqa: S704
    return render_template(
        "desk/appointment.html",
        title=_("Appointment %(reference)s", reference=item.reference),
        appointment=item,
        read_out=read_out,
        summary_form=SummaryEmailForm(formdata=None, email=item.email),
        sms_per_day=SMS_PER_NUMBER_PER_DAY,
        just_booked=request.args.get("booked") == "1",
    )


@bp.get("/desk/appointments/<int:appointment_id>/slip")
@staff_required(*DESK_ROLES)
def slip(appointment_id: int):
    item = _seen_appointment(appointment_id, AuditAction.PRINT_SLIP)
    with force_locale(item.language):  # the slip is for the citizen, in their language
        return render_template("desk/slip.html", title=_("Booking slip"), appointment=item)


def _back_to(item) -> str:
    if request.form.get("back") == "appointment":
        return url_for("desk.appointment", appointment_id=item.id)
    return url_for("desk.day", point_id=item.point_id, day=local_day(item).isoformat())


@bp.post("/desk/appointments/<int:appointment_id>/check-in")
@staff_required(*DESK_ROLES)
def check_in(appointment_id: int):
    return run_change(
        appointment_id,
        ActionForm(),
        partial(use_cases.check_in, check_in_from=check_in_window()),
        done_message=_("Checked in. The expert sees that the citizen has arrived."),
        back=_back_to,
    )


@bp.post("/desk/appointments/<int:appointment_id>/called")
@staff_required(*DESK_ROLES)
def called(appointment_id: int):
    return run_change(
        appointment_id,
        ActionForm(),
        mark_called,
        done_message=_("Done: off the desk's list."),
        back=lambda item: url_for("desk.day", point_id=item.point_id),
    )


@bp.post("/desk/appointments/<int:appointment_id>/no-show")
@staff_required(*DESK_ROLES)
def no_show(appointment_id: int):
    return run_change(
        appointment_id,
        ActionForm(),
        use_cases.mark_no_show,
        done_message=_("Marked as a no-show."),
        back=_back_to,
    )


@bp.route("/desk/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@staff_required(*DESK_ROLES)
def cancel(appointment_id: int):
    """A page that asks before cancelling (works without JavaScript), then the change."""
    form = CancelForm()
    if request.method == "GET":
        item = _seen_appointment(appointment_id, AuditAction.VIEW_APPOINTMENT)
        return render_template(
            "desk/cancel.html", title=_("Cancel the appointment?"), appointment=item, form=form
        )
    return run_change(
        appointment_id,
        form,
        partial(use_cases.cancel_appointment, reason=form.reason.data or ""),
        done_message=_("Cancelled. The citizen is notified."),
        back=_back_to,
    )


@bp.post("/desk/appointments/<int:appointment_id>/email-summary")
@staff_required(*DESK_ROLES)
def email_summary(appointment_id: int):
    form = SummaryEmailForm()
    return run_change(
        appointment_id,
        form,
        partial(email_summary_use_case, email=form.email.data or ""),
        done_message=_("The summary is on its way by e-mail."),
        back=lambda item: url_for("desk.appointment", appointment_id=item.id),
    )


@bp.route("/desk/appointments/<int:appointment_id>/move", methods=["GET", "POST"])
@staff_required(*DESK_ROLES)
def move(appointment_id: int):
    db = get_session()
    user = staff_user()
    item = appointment_or_404(db, user, appointment_id)
    now = utc_now()
    form = MoveForm()
    if form.validate_on_submit():
        new_start = parse_start(form.starts_at.data)
        if new_start is None:
            form.starts_at.errors.append(_("Choose a time."))
        else:
            refusal = run_use_case(
                db,
                lambda: use_cases.move_appointment(
                    db,
                    item,
                    new_start,
                    now=now,
                    by_user_id=user.id,
                    min_notice=use_cases.DESK_MIN_NOTICE,
                ),
            ).refusal  # the page offers the day's fresh times, not nearby ones
            if refusal is None:
                flash(_("Moved. The citizen is notified."), "success")
                return redirect(url_for("desk.appointment", appointment_id=item.id))
            form.starts_at.errors.append(refusal_text(refusal))
    day = parse_day(request.args.get("day"), now=now)
    times = free_times(
        db,
        item.point_id,
        item.service_id,
        day,
        day,
        now,
        min_notice=use_cases.DESK_MIN_NOTICE,
        ignoring_appointment_id=item.id,  # a move may overlap the appointment's own time
    )
    record(
        db, user_id=user.id, action=AuditAction.VIEW_APPOINTMENT, now=now, appointment_id=item.id
    )
    db.commit()
    return render_template(
        "desk/move.html",
        title=_("Move appointment %(reference)s", reference=item.reference),
        appointment=item,
        form=form,
        day=day,
        times=times,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
    )
