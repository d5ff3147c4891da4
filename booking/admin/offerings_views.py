"""Which point offers which service: the matrix at a glance, and offering or withdrawing
one service at one point (a withdrawal shows its consequences first)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.admin.blueprint import bp
from booking.admin.calendar_views import CONFIRMED, change_or_refusal, confirm_or_done, point_or_404
from booking.admin.point_forms import OfferingForm
from booking.data.enums import Role
from booking.data.models import Offering, Service
from booking.engine.clock import utc_now
from booking.region.point_changes import set_offering
from booking.staff.access import desk_points
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session

OFFER = "offer"
WITHDRAW = "withdraw"


@bp.get("/admin/offerings")
@staff_required(Role.ADMIN, read_only=True)
def offerings():
    db = get_session()
    points = desk_points(db, staff_user())
    services = _services(db)
    offered = {tuple(row) for row in db.execute(select(Offering.point_id, Offering.service_id))}
    return render_template(
        "admin/offerings.html",
        title=_("Services at the points"),
        points=points,
        services=services,
        offered=offered,
    )


@bp.route("/admin/points/<point_id>/offerings/<service_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def offering(point_id: str, service_id: str):
    point = point_or_404(point_id)
    db = get_session()
    service = db.get(Service, service_id[:60])
    if service is None or not service.active:
        abort(404)
    is_offered = db.get(Offering, (point.id, service.id)) is not None
    form = OfferingForm()
    if form.validate_on_submit():
        wanted = form.offered.data == OFFER
        if form.offered.data not in (OFFER, WITHDRAW) or wanted == is_offered:
            flash(_("Nothing was changed."), "success")
            return redirect(url_for("admin.offerings"))
        user, now = staff_user(), utc_now()
        outcome = change_or_refusal(
            form,
            lambda: set_offering(db, point.id, service.id, wanted, now=now, by_user_id=user.id),
            fallback="offered",
        )
        if outcome is not None:
            if wanted:  # offering more hits no booking
                form.confirm.data = CONFIRMED
            title = _("Offer the service") if wanted else _("Withdraw the service")
            return confirm_or_done(form, outcome, url_for("admin.offerings"), title=title)
    db.rollback()
    return render_template(
        "admin/offering.html",
        title=_("Service at the point"),
        point=point,
        service=service,
        offered=is_offered,
        form=form,
        action=WITHDRAW if is_offered else OFFER,
    )


def _services(db) -> list[Service]:
    return list(
        db.scalars(select(Service).where(Service.active).order_by(Service.agency_id, Service.id))
    )
