"""Agencies and services: their names, SMS names, meeting link, and a service's length,
set-up time, grid, notice, horizon and photo ID.  Region administrators only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.admin.blueprint import bp
from booking.admin.calendar_views import change_or_refusal
from booking.admin.catalogue_forms import AgencyForm, ServiceForm
from booking.data.enums import Role
from booking.data.models import Agency, Service
from booking.engine.clock import utc_now
from booking.region.catalogue_changes import (
    AGENCY_FIELDS,
    SERVICE_FIELDS,
    update_agency,
    update_service,
)
from booking.staff.access import is_region_admin
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session


@bp.get("/admin/services")
@staff_required(Role.ADMIN, read_only=True)
def services():
    _require_region_admin()
    agencies = get_session().scalars(select(Agency).order_by(Agency.id)).all()
    return render_template(
        "admin/services.html", title=_("Agencies and services"), agencies=agencies
    )


@bp.route("/admin/agencies/<agency_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def agency(agency_id: str):
    _require_region_admin()
    db = get_session()
    found = db.get(Agency, agency_id[:40]) or abort(404)
    form = AgencyForm(obj=found)
    return _edit(form, found, AGENCY_FIELDS, update_agency, "admin/agency.html", _("Agency"))


@bp.route("/admin/services/<service_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def service(service_id: str):
    _require_region_admin()
    db = get_session()
    found = db.get(Service, service_id[:60])
    if found is None or not found.active:
        abort(404)
    form = ServiceForm(obj=found)
    return _edit(form, found, SERVICE_FIELDS, update_service, "admin/service.html", _("Service"))


def _edit(form, found, fields, change, template: str, title: str):
    db = get_session()
    if form.validate_on_submit():
        values = {name: form[name].data for name in fields}
        user, now = staff_user(), utc_now()
        done = change_or_refusal(
            form,
            lambda: change(db, found.id, values, now=now, by_user_id=user.id),
            fallback=fields[0],
        )
        if done is not None:
            db.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.services"))
    db.rollback()
    return render_template(template, title=title, thing=found, form=form)


def _require_region_admin() -> None:
    if not is_region_admin(staff_user()):
        abort(403)  # agencies and services span every point
