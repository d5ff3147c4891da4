"""Closures of a point and absences of an expert: the change, its consequences, confirm.

The first post of a form runs the change and its consequences in the request's
transaction and rolls them back: the page lists each booked appointment the
change hits and its fate.  Confirming posts the same values again with
``confirm``; then the change is committed and the browser is sent back to the
list (post/redirect/get).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from booking.admin.blueprint import bp
from booking.admin.forms import AbsenceForm, ClosureForm
from booking.data.enums import Role
from booking.data.models import Closure, Expert, ExpertAbsence, Service, ServicePoint
from booking.engine.clock import HELSINKI, utc_now
from booking.region.calendar_changes import (
    CalendarChangeRefused,
    ChangeResult,
    add_absence,
    close_point,
)
from booking.region.consequences import Outcome
from booking.staff.access import is_region_admin
from booking.web.access import LARGEST_ID, require_point, staff_required, staff_user
from booking.web.database import get_session
from booking.web.refusals import refusal_texts

CONFIRMED = "yes"


@bp.route("/admin/points/<point_id>/closures", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def closures(point_id: str):
    point = point_or_404(point_id)
    db = get_session()
    user = staff_user()
    now = utc_now()
    form = ClosureForm()
    if form.validate_on_submit():
        outcome = change_or_refusal(
            form,
            lambda: close_point(
                db,
                point.id,
                form.closed_on.data,
                starts=form.starts.data,
                ends=form.ends.data,
                reason=form.reason.data,
                now=now,
                by_user_id=user.id,
            ),
        )
        if outcome is not None:
            back = url_for("admin.closures", point_id=point.id)
            return confirm_or_done(form, outcome, back, title=_("Close the service point"))
    coming = db.scalars(
        select(Closure)
        .where(Closure.point_id == point.id, Closure.closed_on >= now.astimezone(HELSINKI).date())
        .order_by(Closure.closed_on, Closure.starts)
    ).all()
    db.rollback()
    return render_template(
        "admin/closures.html",
        title=_("Closures"),
        point=point,
        form=form,
        closures=coming,
    )


@bp.get("/admin/experts")
@staff_required(Role.ADMIN, read_only=True)
def experts():
    _require_region_admin()
    db = get_session()
    everyone = db.scalars(
        select(Expert).where(Expert.active).order_by(Expert.agency_id, Expert.name)
    ).all()
    return render_template("admin/experts.html", title=_("Experts"), experts=everyone)


@bp.route("/admin/experts/<int:expert_id>/absences", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def absences(expert_id: int):
    _require_region_admin()
    db = get_session()
    expert = db.get(Expert, expert_id) if 0 < expert_id <= LARGEST_ID else None
    if expert is None or not expert.active:
        abort(404)
    user = staff_user()
    now = utc_now()
    form = AbsenceForm()
    if form.validate_on_submit():
        starts_at = _helsinki_midnight(form.first_day.data)
        ends_at = _helsinki_midnight(form.last_day.data + timedelta(days=1))
        outcome = change_or_refusal(
            form,
            lambda: add_absence(
                db,
                expert.id,
                starts_at,
                ends_at,
                reason=form.reason.data or "",
                now=now,
                by_user_id=user.id,
            ),
        )
        if outcome is not None:
            back = url_for("admin.absences", expert_id=expert.id)
            return confirm_or_done(form, outcome, back, title=_("Mark the expert absent"))
    coming = db.scalars(
        select(ExpertAbsence)
        .where(ExpertAbsence.expert_id == expert.id, ExpertAbsence.ends_at > now)
        .order_by(ExpertAbsence.starts_at)
    ).all()
    db.rollback()
    return render_template(
        "admin/absences.html",
        title=_("Absences"),
        expert=expert,
        form=form,
        absences=coming,
    )


def change_or_refusal(form, change, *, fallback: str = "reason") -> ChangeResult | None:
    """The change's result (uncommitted), or None with its refusal on the form's field
    (``fallback`` when the refusal names none the form has)."""
    try:
        return change()
    except CalendarChangeRefused as refusal:
        get_session().rollback()
        for name, text in refusal_texts(refusal).items():
            field = getattr(form, name or "", None) or getattr(form, fallback)
            field.errors = [*field.errors, text]
        return None


def confirm_or_done(form, outcome: ChangeResult, back: str, *, title: str):
    """Commit a confirmed change and go back to the list; else roll it back and show
    its consequences with the form to confirm."""
    db = get_session()
    if form.confirm.data == CONFIRMED:
        db.commit()
        flash(_done_message(outcome), "success")
        return redirect(back)
    db.rollback()
    services = {s.id: s for s in db.scalars(select(Service))}
    points = {p.id: p for p in db.scalars(select(ServicePoint))}
    db.rollback()
    return render_template(
        "admin/consequences.html",
        title=title,
        form=form,
        fates=outcome.fates,
        services=services,
        points=points,
        back=back,
        confirmed=CONFIRMED,
    )


def _done_message(outcome: ChangeResult) -> str:
    kept = sum(1 for fate in outcome.fates if fate.outcome is Outcome.KEPT)
    waiting = sum(1 for fate in outcome.fates if fate.outcome is Outcome.ATTENTION)
    cancelled = len(outcome.fates) - kept - waiting
    parts = [
        _("Saved."),
        ngettext(
            "%(num)d appointment kept at its time with another room or expert.",
            "%(num)d appointments kept at their times with another room or expert.",
            kept,
        ),
        ngettext("%(num)d appointment cancelled.", "%(num)d appointments cancelled.", cancelled),
    ]
    if waiting:
        parts.append(
            ngettext(
                "%(num)d arrived citizen is on the desk's list to talk to.",
                "%(num)d arrived citizens are on the desk's list to talk to.",
                waiting,
            )
        )
    return " ".join(parts)


def point_or_404(point_id: str) -> ServicePoint:
    require_point(staff_user(), point_id)
    point = get_session().get(ServicePoint, point_id)
    if point is None or not point.active:
        abort(404)
    return point


def _require_region_admin() -> None:
    """Experts serve every point: only an administrator of the whole region changes them."""
    if not is_region_admin(staff_user()):
        abort(403)


def _helsinki_midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=HELSINKI)
