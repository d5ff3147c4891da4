"""Sign-in and sign-out views."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from booking.auth.blueprint import bp
from booking.auth.forms import SignInForm
from booking.data.enums import Role
from booking.data.models import StaffUser
from booking.engine.clock import utc_now
from booking.staff.accounts import end_sessions
from booking.staff.audit import AuditAction, record
from booking.staff.sign_in import SignInRefused, authenticate
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session
from booking.web.proxies import client_address
from booking.web.rate_limits import sign_in_limit
from booking.web.staff_sessions import begin_staff_session, clear_session

#: Longer ``next`` values are no page of this site.
NEXT_MAX_LENGTH = 2000


def home_for(user: StaffUser) -> str:
    """The first page of each role."""
    if user.role is Role.EXPERT:
        return url_for("expert.day")
    if user.role is Role.ADMIN:
        return url_for("admin.index")
    if user.role is Role.COUNCIL:
        return url_for("figures.index")
    return url_for("desk.index")


def safe_next(target: str | None) -> str | None:
    """``next`` only when it is a path on this site (no open redirect), else None.

    Browsers drop tabs and line breaks from a ``Location`` and read a backslash
    as a slash, so ``/\\t/evil.example`` would lead away: only a plain path that
    starts with a single slash, with no whitespace, control or invisible
    characters, and no scheme or host of its own is followed."""
    if not target or len(target) > NEXT_MAX_LENGTH:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(
        character.isspace() or unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"}
        for character in target
    ):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/staff/sign-in", methods=["GET", "POST"])
@sign_in_limit
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        db = get_session()
        now = utc_now()
        try:
            account = authenticate(
                db, form.email.data, form.password.data, address=client_address(), now=now
            )
        except SignInRefused as refused:
            user_id = refused.account.id if refused.account is not None else None
            record(db, user_id=user_id, action=AuditAction.SIGN_IN_FAILED, now=now)
            db.commit()
            if refused.retry_at is not None:
                message = _("Too many failed attempts. Please wait a while and try again.")
            else:
                message = _("The e-mail address or the password is wrong.")
            form.password.errors = [message]
            return render_template("auth/sign_in.html", title=_("Staff sign-in"), form=form), 200
        clear_session()  # a fresh session: nothing carried over from before sign-in
        login_user(account)
        begin_staff_session(account)
        record(db, user_id=account.id, action=AuditAction.SIGN_IN, now=now)
        db.commit()
        return redirect(safe_next(request.args.get("next")) or home_for(account))
    return render_template("auth/sign_in.html", title=_("Staff sign-in"), form=form)


@bp.post("/staff/sign-out")
@staff_required()
def sign_out():
    db = get_session()
    account = staff_user()
    end_sessions(db, account.id)  # copies of this session's cookie included
    record(db, user_id=account.id, action=AuditAction.SIGN_OUT, now=utc_now())
    db.commit()
    logout_user()
    clear_session()
    flash(_("You have signed out."), "success")
    response = redirect(url_for("auth.sign_in"))
    response.headers["Clear-Site-Data"] = '"cache"'
    return response
