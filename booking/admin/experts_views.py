"""An expert's agency, services, languages and weekly hours; a change that takes her off
booked calls shows their fates (a colleague at the same time, or a cancellation) first."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from booking.admin.blueprint import bp
from booking.admin.calendar_views import change_or_refusal, confirm_or_done
from booking.admin.expert_forms import ExpertForm, NewExpertForm
from booking.admin.point_forms import WEEKDAYS
from booking.data.enums import Role
from booking.data.models import Agency, Expert, Service
from booking.engine.clock import utc_now
from booking.region.expert_changes import add_expert, update_expert
from booking.staff.access import is_region_admin
from booking.web.access import LARGEST_ID, staff_required, staff_user
from booking.web.database import get_session
from booking.web.i18n import hours_text, localized


@bp.route("/admin/experts/<int:expert_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def expert(expert_id: int):
    if not is_region_admin(staff_user()):
        abort(403)  # an expert serves every point
    db = get_session()
    found = db.get(Expert, expert_id) if 0 < expert_id <= LARGEST_ID else None
    if found is None or not found.active:
        abort(404)
    form = _form(db, found)
    if form.validate_on_submit():
        user, now = staff_user(), utc_now()
        outcome = change_or_refusal(
            form,
            lambda: update_expert(
                db,
                found.id,
                agency_id=form.agency.data,
                service_ids=form.services.data,
                languages=form.languages.data,
                weekly={day: spans for day, spans in form.intervals().items() if spans},
                now=now,
                by_user_id=user.id,
            ),
            fallback="agency",
        )
        if outcome is not None:
            back = url_for("admin.expert", expert_id=found.id)
            return confirm_or_done(form, outcome, back, title=_("Change the expert"))
    db.rollback()
    return render_template("admin/expert.html", title=_("Expert"), expert=found, form=form)


@bp.route("/admin/experts/new", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def new_expert():
    if not is_region_admin(staff_user()):
        abort(403)  # an expert serves every point
    db = get_session()
    form = _with_choices(db, NewExpertForm())
    form.agency.choices.insert(0, SelectChoice("", _("Choose…")))
    if form.validate_on_submit():
        user, now = staff_user(), utc_now()
        added = change_or_refusal(
            form,
            lambda: add_expert(
                db,
                agency_id=form.agency.data,
                name=form.name.data,
                email=form.email.data,
                service_ids=form.services.data,
                languages=form.languages.data,
                now=now,
                by_user_id=user.id,
            ),
            fallback="name",
        )
        if added is not None:
            expert_id = added.id
            db.commit()
            flash(
                _("Saved. Give the expert her working hours: until then no call goes to her."),
                "success",
            )
            return redirect(url_for("admin.expert", expert_id=expert_id))
    db.rollback()
    return render_template("admin/new_expert.html", title=_("Add an expert"), form=form)


def _form(db, expert: Expert) -> ExpertForm:
    form_class = ExpertForm.with_days()
    current = {
        "agency": expert.agency_id,
        "services": [s.id for s in expert.services],
        "languages": expert.languages.split(","),
        **{
            f"hours_{day}": hours_text(
                (row.starts, row.ends)
                for row in sorted(expert.working_hours, key=lambda r: r.starts)
                if row.weekday == day
            )
            for day in WEEKDAYS
        },
    }
    return _with_choices(db, form_class(data=current))


def _with_choices(db, form):
    form.agency.choices = [
        SelectChoice(a.id, localized(a)) for a in db.scalars(select(Agency).order_by(Agency.id))
    ]
    form.services.choices = [
        SelectChoice(s.id, f"{localized(s)} ({s.agency_id})")
        for s in db.scalars(
            select(Service).where(Service.active).order_by(Service.agency_id, Service.id)
        )
    ]
    return form
