"""The admin start page (every point's desk) and the audit log."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from booking.admin.blueprint import bp
from booking.data.audit_models import AuditEvent
from booking.data.enums import Role
from booking.data.models import Appointment, StaffUser
from booking.staff.access import desk_points, is_region_admin
from booking.staff.audit import AuditAction
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session

PAGE_SIZE = 100
LAST_PAGE = 10_000  # keeps the offset within the database's integer range


@bp.get("/admin/")
@staff_required(Role.ADMIN)
def index():
    user = staff_user()
    points = desk_points(get_session(), user)
    return render_template(
        "admin/index.html",
        title=_("Administration"),
        points=points,
        region_admin=is_region_admin(user),
    )


@bp.get("/admin/audit")
@staff_required(Role.ADMIN, read_only=True)
def audit_log():
    if not is_region_admin(staff_user()):
        abort(403)  # the log spans every point
    db = get_session()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), LAST_PAGE)
    points = desk_points(db, staff_user())
    filters = _audit_filters({point.id for point in points})
    query = (
        select(AuditEvent, StaffUser.email, Appointment.reference)
        .outerjoin(StaffUser, StaffUser.id == AuditEvent.user_id)
        .outerjoin(Appointment, Appointment.id == AuditEvent.appointment_id)
    )
    if filters["reference"]:
        query = query.where(Appointment.reference == filters["reference"])
    if filters["person"]:
        query = query.where(StaffUser.email == filters["person"])
    if filters["kind"]:
        query = query.where(AuditEvent.action == filters["kind"])
    if filters["point"]:
        # An appointment's event by its point; a calendar change by the point it names.
        point = filters["point"]
        query = query.where(
            or_(
                Appointment.point_id == point,
                AuditEvent.detail.like(f"% {point} %"),
                AuditEvent.detail.like(f"% {point}/%"),
                AuditEvent.detail.like(f"% {point}:%"),
            )
        )
    total = db.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "admin/audit.html",
        title=_("Audit log"),
        rows=rows,
        page=page,
        has_more=page * PAGE_SIZE < (total or 0),
        filters=filters,
        given={name: value for name, value in filters.items() if value},
        points=points,
        action_labels=ACTION_LABELS,
    )


def _audit_filters(point_ids: set[str]) -> dict[str, str]:
    """The audit page's filters from the query string; an unknown point or kind is none."""
    kind = request.args.get("kind", "")
    point = request.args.get("point", "")
    return {
        "reference": request.args.get("reference", "").strip().upper()[:12],
        "person": request.args.get("person", "").strip().lower()[:254],
        "point": point if point in point_ids else "",
        "kind": kind if kind in {action.value for action in ACTION_LABELS} else "",
    }


ACTION_LABELS = {
    AuditAction.SIGN_IN: _l("Signed in"),
    AuditAction.SIGN_IN_FAILED: _l("Failed sign-in"),
    AuditAction.SIGN_OUT: _l("Signed out"),
    AuditAction.VIEW_DESK_DAY: _l("Viewed the desk's day"),
    AuditAction.VIEW_APPOINTMENT: _l("Viewed the appointment"),
    AuditAction.SEARCH: _l("Found in a search"),
    AuditAction.PRINT_DAY_SHEET: _l("Printed the day sheet"),
    AuditAction.PRINT_SLIP: _l("Printed the booking slip"),
    AuditAction.VIEW_EXPERT_SCHEDULE: _l("Viewed the expert's calls"),
    AuditAction.READ_FEED: _l("Calendar feed read"),
    AuditAction.RENEW_FEED: _l("Calendar feed address renewed"),
    AuditAction.BOOK: _l("Booked"),
    AuditAction.MOVE: _l("Moved"),
    AuditAction.CANCEL: _l("Cancelled"),
    AuditAction.CHECK_IN: _l("Checked in"),
    AuditAction.START_CALL: _l("Started the call"),
    AuditAction.NO_SHOW: _l("Marked as a no-show"),
    AuditAction.DONE: _l("Marked as done"),
    AuditAction.FAILURE: _l("Marked as a technical failure"),
    AuditAction.REHOUSE: _l("Given another room or expert at the same time"),
    AuditAction.CHANGE_REGION: _l("Changed the region's calendar"),
    AuditAction.CHANGE_STAFF: _l("Changed a staff account"),
    AuditAction.CALLED: _l("Phoned the citizen"),
    AuditAction.NEEDS_ATTENTION: _l("Arrived, the call impossible: on the desk's list"),
    AuditAction.EMAIL_SUMMARY: _l("Sent the summary by e-mail"),
    AuditAction.REFUSED: _l("Refused: not at the user's points"),
    AuditAction.READ_FEEDBACK: _l("Read the accessibility feedback"),
}
