"""Setting a password through the one-time link an administrator had e-mailed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from booking.auth.blueprint import bp
from booking.auth.forms import SetPasswordForm
from booking.engine.clock import utc_now
from booking.staff.invitations import StaffChangeRefused, account_for_link, set_password_with_link
from booking.web.database import get_session
from booking.web.extensions import limiter
from booking.web.refusals import translated


@bp.route("/staff/password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def set_password(token: str):
    db = get_session()
    now = utc_now()
    account = account_for_link(db, token, now)
    if account is None:
        db.rollback()
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password_with_link(db, token, form.password.data, now=now)
        except StaffChangeRefused as refusal:
            db.rollback()
            form.password.errors = [translated(refusal.msgid, refusal.params)]
        else:
            db.commit()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.sign_in"))
    email = account.email
    db.rollback()
    return render_template(
        "auth/set_password.html", title=_("Set your password"), form=form, email=email
    )
