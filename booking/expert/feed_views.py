"""The feed's own page (show, renew) and the feed itself at ``/feeds/<token>.ics``."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, url_for
from flask_babel import gettext as _

from booking.data.enums import Role
from booking.data.sessions import read_only_context
from booking.engine.clock import utc_now
from booking.expert.blueprint import bp, feeds_bp
from booking.expert.feed import account_for_token, feed_bytes, renew_feed_token
from booking.staff.audit import AuditAction, record
from booking.web.access import staff_required, staff_user
from booking.web.database import get_session
from booking.web.staff_requests import ActionForm


@bp.get("/expert/feed")
@staff_required(Role.EXPERT)
def feed():
    return render_template(
        "expert/feed.html",
        title=_("Calendar feed"),
        has_feed=staff_user().feed_token_hash is not None,
        feed_url=None,
        form=ActionForm(),
    )


@bp.post("/expert/feed")
@staff_required(Role.EXPERT)
def renew_feed():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    user = staff_user()
    token = renew_feed_token(user)
    record(db, user_id=user.id, action=AuditAction.RENEW_FEED, now=utc_now())
    db.commit()
    base_url = str(current_app.config["BOOKING_BASE_URL"]).rstrip("/")
    feed_url = base_url + url_for("feeds.calendar", token=token)
    return render_template(
        "expert/feed.html", title=_("Calendar feed"), has_feed=True, feed_url=feed_url, form=form
    )


@feeds_bp.get("/feeds/<token>.ics")
def calendar(token: str):
    read_only_context.set(False)  # reading the feed is audited
    db = get_session()
    account = account_for_token(db, token)
    if account is None:
        abort(404)
    now = utc_now()
    body = feed_bytes(db, account, now=now)
    record(db, user_id=account.id, action=AuditAction.READ_FEED, now=now)
    db.commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="etavaraus.ics"'
    return response
