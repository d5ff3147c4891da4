"""A point's weekly opening hours and one day's special hours, each with its consequences.

As with closures (:mod:`booking.admin.calendar_views`), the first post shows the
booked appointments the change hits and their fates, and changes nothing; the
confirmation posts the same values again and saves.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from booking.admin.blueprint import bp
from booking.admin.calendar_views import change_or_refusal, confirm_or_done, point_or_404
from booking.admin.point_forms import WEEKDAYS, SpecialHoursForm, WeeklyHoursForm
from booking.data.enums import Role
from booking.data.models import OpeningHours
from booking.engine.clock import utc_now
from booking.region.calendar_changes import ChangeResult, set_opening_hours
from booking.region.point_changes import set_special_hours
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session
from booking.web.i18n import hours_text


@bp.route("/admin/points/<point_id>/hours", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def hours(point_id: str):
    point = point_or_404(point_id)
    db = get_session()
    weekly = _weekly(db, point.id)
    form = _weekly_form(weekly)
    if form.validate_on_submit():
        wanted = form.intervals()
        changed = [day for day in WEEKDAYS if wanted[day] != weekly[day]]
        if not changed:
            flash(_("Nothing was changed."), "success")
            return redirect(url_for("admin.hours", point_id=point.id))
        user, now = staff_user(), utc_now()

        def change() -> ChangeResult:
            results = [
                set_opening_hours(db, point.id, day, wanted[day], now=now, by_user_id=user.id)
                for day in changed
            ]
            return ChangeResult(
                summary="; ".join(r.summary for r in results),
                fates=[fate for r in results for fate in r.fates],
            )

        outcome = change_or_refusal(form, change, fallback=f"hours_{changed[0]}")
        if outcome is not None:
            back = url_for("admin.hours", point_id=point.id)
            return confirm_or_done(form, outcome, back, title=_("Change the opening hours"))
    db.rollback()
    return render_template(
        "admin/hours.html",
        title=_("Opening hours"),
        point=point,
        form=form,
        special=SpecialHoursForm(formdata=None),
    )


@bp.route("/admin/points/<point_id>/special-hours", methods=["POST"])
@staff_required(Role.ADMIN)
def special_hours(point_id: str):
    point = point_or_404(point_id)
    db = get_session()
    special = SpecialHoursForm()
    if special.validate_on_submit():
        user, now = staff_user(), utc_now()
        outcome = change_or_refusal(
            special,
            lambda: set_special_hours(
                db,
                point.id,
                special.day.data,
                special.opens.data,
                special.closes.data,
                reason=special.reason.data,
                now=now,
                by_user_id=user.id,
            ),
        )
        if outcome is not None:
            back = url_for("admin.closures", point_id=point.id)
            return confirm_or_done(special, outcome, back, title=_("Special hours on one day"))
    form = _weekly_form(_weekly(db, point.id), formdata=None)
    db.rollback()
    return render_template(
        "admin/hours.html", title=_("Opening hours"), point=point, form=form, special=special
    )


def _weekly(db, point_id: str) -> dict[int, list]:
    weekly = {day: [] for day in WEEKDAYS}
    rows = db.scalars(
        select(OpeningHours)
        .where(OpeningHours.point_id == point_id)
        .order_by(OpeningHours.weekday, OpeningHours.opens)
    )
    for row in rows:
        weekly[row.weekday].append((row.opens, row.closes))
    return weekly


def _weekly_form(weekly: dict[int, list], **options) -> WeeklyHoursForm:
    form_class = WeeklyHoursForm.with_days()
    current = {f"hours_{day}": hours_text(weekly[day]) for day in WEEKDAYS}
    return form_class(data=current, **options)
