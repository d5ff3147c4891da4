"""The expert's day and week, live arrival status, and the call's steps: start (which
opens the meeting), end, done, no-show, technical failure."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from flask import jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _

from booking.appointments import attendance
from booking.data.enums import Role
from booking.engine.clock import utc_now
from booking.expert.blueprint import bp
from booking.expert.forms import FailureForm
from booking.expert.schedule import AGENCY, MINE, calls, effective_scope
from booking.staff.audit import AuditAction, record_viewed
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session
from booking.web.security_headers import content_policy
from booking.web.staff_display import (
    arrival_line,
    local_day,
    meeting_link,
    status_label,
    waited_minutes,
)
from booking.web.staff_requests import ActionForm, parse_day, run_change

EXPERT_ROLES = (Role.EXPERT, Role.ADMIN)


def _schedule_page(template: str, *, week: bool):
    db = get_session()
    user = staff_user()
    now = utc_now()
    day = parse_day(request.args.get("day"), now=now)
    scope = effective_scope(user, request.args.get("scope"))
    first = day - timedelta(days=day.weekday()) if week else day
    last = first + timedelta(days=6) if week else day
    items = calls(db, user, first, last, scope)
    record_viewed(
        db,
        user_id=user.id,
        action=AuditAction.VIEW_EXPERT_SCHEDULE,
        now=now,
        appointment_ids=[a.id for a in items],
        detail=f"{first.isoformat()}..{last.isoformat()} {scope}",
    )
    db.commit()
    step = timedelta(days=7 if week else 1)
    by_day = {}
    for item in items:
        by_day.setdefault(local_day(item), []).append(item)
    page = render_template(
        template,
        title=_("My calls"),
        day=day,
        first=first,
        last=last,
        calls=items,
        by_day=by_day,
        scope=scope,
        scopes=(MINE, AGENCY) if user.expert_id is not None else (AGENCY,),
        previous_day=day - step,
        next_day=day + step,
        now=now,
        failure_form=FailureForm(),
    )
    response = make_response(page)
    # "Start call" is a form whose answer leads on to the agency's meeting address.
    meetings = {_origin(meeting_link(item)) for item in items}
    response.headers["Content-Security-Policy"] = content_policy(form_targets=meetings)
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.get("/expert/")
@staff_required(*EXPERT_ROLES)
def day():
    return _schedule_page("expert/day.html", week=False)


@bp.get("/expert/week")
@staff_required(*EXPERT_ROLES)
def week():
    return _schedule_page("expert/week.html", week=True)


@bp.get("/expert/status.json")
@staff_required(*EXPERT_ROLES, read_only=True)
def status():
    """Statuses only (no personal data), for the page's polling script."""
    user = staff_user()
    day = parse_day(request.args.get("day"), now=utc_now())
    scope = effective_scope(user, request.args.get("scope"))
    items = calls(get_session(), user, day, day, scope)
    now = utc_now()
    return jsonify(
        appointments=[
            {
                "id": a.id,
                "status": a.status.value,
                "label": status_label(a.status),
                "arrival": arrival_line(a, now),
                "waiting": waited_minutes(a, now) is not None,
            }
            for a in items
        ]
    )


def _back_to_day(item) -> str:
    return url_for("expert.day", day=local_day(item).isoformat())


@bp.post("/expert/appointments/<int:appointment_id>/start")
@staff_required(*EXPERT_ROLES)
def start_call(appointment_id: int):
    """Count the call as started and go on to the meeting (the form opens a new window)."""
    return run_change(
        appointment_id,
        ActionForm(),
        attendance.start_call,
        done_message=_("The call has started."),
        back=_back_to_day,
        onward=meeting_link,
    )


@bp.post("/expert/appointments/<int:appointment_id>/end")
@staff_required(*EXPERT_ROLES)
def end_call(appointment_id: int):
    return run_change(
        appointment_id,
        ActionForm(),
        attendance.end_call,
        done_message=_("The call has ended and is marked as done."),
        back=_back_to_day,
    )


@bp.post("/expert/appointments/<int:appointment_id>/done")
@staff_required(*EXPERT_ROLES)
def done(appointment_id: int):
    return run_change(
        appointment_id,
        ActionForm(),
        attendance.mark_done,
        done_message=_("Marked as done."),
        back=_back_to_day,
    )


@bp.post("/expert/appointments/<int:appointment_id>/no-show")
@staff_required(*EXPERT_ROLES)
def no_show(appointment_id: int):
    return run_change(
        appointment_id,
        ActionForm(),
        attendance.mark_no_show,
        done_message=_("Marked as a no-show."),
        back=_back_to_day,
    )


@bp.post("/expert/appointments/<int:appointment_id>/failure")
@staff_required(*EXPERT_ROLES)
def failure(appointment_id: int):
    form = FailureForm()
    return run_change(
        appointment_id,
        form,
        partial(attendance.mark_failure, reason=form.reason.data),
        done_message=_("Marked as a technical failure."),
        back=_back_to_day,
    )
