"""The accessibility feedback citizens sent, newest first, for the region's administrators.

The messages may carry personal data (an e-mail address, what someone needs), so
every reading of the list is in the audit log: who, when, which page and messages.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from booking.admin.blueprint import bp
from booking.data.enums import Role
from booking.data.feedback_models import AccessibilityFeedback
from booking.engine.clock import utc_now
from booking.staff.access import is_region_admin
from booking.staff.audit import AuditAction, record
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session

PAGE_SIZE = 50
LAST_PAGE = 10_000  # keeps the offset within the database's integer range


@bp.get("/admin/feedback")
@staff_required(Role.ADMIN)
def feedback():
    user = staff_user()
    if not is_region_admin(user):
        abort(403)  # feedback is about the whole service
    db = get_session()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), LAST_PAGE)
    total = db.scalar(select(func.count()).select_from(AccessibilityFeedback))
    rows = db.scalars(
        select(AccessibilityFeedback)
        .order_by(AccessibilityFeedback.received_at.desc(), AccessibilityFeedback.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    record(
        db,
        user_id=user.id,
        action=AuditAction.READ_FEEDBACK,
        now=utc_now(),
        detail=_read_detail(page, rows),
    )
    db.commit()
    return render_template(
        "admin/feedback.html",
        title=_("Accessibility feedback"),
        rows=rows,
        total=total,
        page=page,
        has_more=page * PAGE_SIZE < total,
        contact=current_app.config["BOOKING_CONTACT_EMAIL"],
    )


def _read_detail(page: int, rows) -> str:
    """ "page 1: feedback 7, 5, 4": which messages the reader saw (their ids)."""
    shown = ", ".join(str(row.id) for row in rows) or "none"
    return f"page {page}: feedback {shown}"[:500]
