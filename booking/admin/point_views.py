"""A point's own details (names, address, phone, municipality, shown online) and a new point.

Hiding a point online takes nothing away from its booked appointments: they stay
booked, the desk keeps working there.  When some lie ahead, the first post lists
them and says so; confirming posts the same values again with ``confirm``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from booking.admin.blueprint import bp
from booking.admin.calendar_views import CONFIRMED, change_or_refusal, point_or_404
from booking.admin.point_details_forms import HIDDEN, SHOWN, NewPointForm, PointDetailsForm
from booking.data.enums import Role
from booking.data.models import Municipality, Service, ServicePoint
from booking.engine.clock import utc_now
from booking.region.point_details import add_point, booked_ahead, change_point_details
from booking.staff.access import is_region_admin
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session
from booking.web.i18n import localized


@bp.route("/admin/points/<point_id>/details", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def point_details(point_id: str):
    point = point_or_404(point_id)
    db = get_session()
    form = _with_municipalities(PointDetailsForm(data=_current(point)))
    if form.validate_on_submit():
        user, now = staff_user(), utc_now()
        hiding = point.online and form.online.data == HIDDEN
        outcome = change_or_refusal(
            form,
            lambda: change_point_details(db, point.id, form.details(), now=now, by_user_id=user.id),
            fallback="name_fi",
        )
        if outcome is not None:
            staying = _staying(point.id, now) if hiding else []
            if staying and form.confirm.data != CONFIRMED:
                db.rollback()
                return render_template(
                    "admin/point_hide.html",
                    title=_("Hide the point online"),
                    point=point,
                    form=form,
                    staying=staying,
                    confirmed=CONFIRMED,
                )
            db.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.point_details", point_id=point.id))
    db.rollback()
    return render_template("admin/point.html", title=_("Service point"), point=point, form=form)


@bp.route("/admin/points/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_point():
    if not is_region_admin(staff_user()):
        abort(403)  # a point of its own would lie outside a limited admin's points
    db = get_session()
    form = _with_municipalities(NewPointForm())
    if form.validate_on_submit():
        user, now = staff_user(), utc_now()
        outcome = change_or_refusal(
            form,
            lambda: add_point(
                db,
                form.point_id.data,
                form.details(),
                form.room_name.data,
                now=now,
                by_user_id=user.id,
            ),
            fallback="point_id",
        )
        if outcome is not None:
            point_id = form.point_id.data.strip()
            db.commit()
            flash(_("Saved. Add its opening hours and services, then show it online."), "success")
            return redirect(url_for("admin.point_details", point_id=point_id))
    db.rollback()
    return render_template("admin/new_point.html", title=_("Add a service point"), form=form)


def _current(point: ServicePoint) -> dict:
    return {
        "name_fi": point.name_fi,
        "name_sv": point.name_sv,
        "name_en": point.name_en,
        "street_address": point.street_address,
        "postal_code": point.postal_code,
        "post_office": point.post_office,
        "phone": point.phone or "",
        "municipality_id": point.municipality_id,
        "online": SHOWN if point.online else HIDDEN,
    }


def _with_municipalities(form):
    municipalities = get_session().scalars(select(Municipality)).all()
    form.municipality_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(m.id, name)
        for name, m in sorted(((localized(m), m) for m in municipalities), key=lambda p: p[0])
    ]
    return form


def _staying(point_id: str, now) -> list[tuple]:
    """(start, reference, service) of each appointment ahead, read before the rollback."""
    db = get_session()
    services = {s.id: s for s in db.scalars(select(Service))}
    return [
        (a.starts_at, a.reference, localized(services[a.service_id]))
        for a in booked_ahead(db, point_id, now)
    ]
