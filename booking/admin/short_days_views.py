"""The region's short days: shown, changed with their consequences first, confirmed.

Like the opening hours (:mod:`booking.admin.hours_views`): the first post shows
the booked appointments on the days the change shortens and their fates and
changes nothing; the confirmation posts the same values again and saves.  The
rules hold at every point, so only an administrator of the whole region sees
the page.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from booking.admin.blueprint import bp
from booking.admin.calendar_views import change_or_refusal, confirm_or_done
from booking.admin.short_day_forms import ShortDaysForm, fixed_days_text
from booking.data.enums import Role
from booking.data.short_days import region_calendar
from booking.engine.calendar_rules import MAUNDY_THURSDAY
from booking.engine.clock import HELSINKI, utc_now
from booking.region.short_day_changes import coming_short_days, set_short_days
from booking.staff.access import is_region_admin
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session

#: How many of the coming short days the page lists.
COMING_SHOWN = 8


@bp.route("/admin/short-days", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def short_days():
    if not is_region_admin(staff_user()):
        abort(403)  # the rules hold at every point
    db = get_session()
    now = utc_now()
    calendar = region_calendar(db)
    rules = calendar.short_days
    form = ShortDaysForm(
        data={
            "closes_at": rules.closes_at,
            "moving_days": [MAUNDY_THURSDAY] if rules.maundy_thursday else [],
            "fixed_days": fixed_days_text(rules),
        }
    )
    if form.validate_on_submit():
        closes_at, days = form.closes_at.data, form.day_names()
        back = url_for("admin.short_days")
        if (closes_at, days) == (rules.closes_at, rules.names()):
            flash(_("Nothing was changed."), "success")
            return redirect(back)
        user = staff_user()
        outcome = change_or_refusal(
            form,
            lambda: set_short_days(db, closes_at, days, now=now, by_user_id=user.id),
            fallback="fixed_days",
        )
        if outcome is not None:
            return confirm_or_done(form, outcome, back, title=_("Change the short days"))
    coming = coming_short_days(calendar, now.astimezone(HELSINKI).date(), COMING_SHOWN)
    db.rollback()
    return render_template(
        "admin/short_days.html",
        title=_("Short days"),
        form=form,
        coming=[(day, calendar.short_day_closes(day)) for day in coming],
    )
