"""Staff sessions that end: on sign-out everywhere, after 30 idle minutes, after 10 hours.

A staff session holds the account's session generation and two instants: when
it began and when it was last used.  The user loader (:mod:`booking.web.access`)
refuses a session whose generation the account has left behind (sign-out
raises it), so a copied cookie opens nothing after sign-out.  Before every
request a session idle for ``IDLE_LIMIT`` or older than ``LIFETIME`` is ended
and the staff member is asked to sign in again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import logout_user

from booking.data.models import StaffUser
from booking.engine.clock import utc_now
from booking.web.cookie_sessions import has_session_cookie

IDLE_LIMIT = timedelta(minutes=30)
LIFETIME = timedelta(hours=10)
GENERATION = "staff_generation"
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
#: Flask-Login's key of the signed-in user's id.
USER_ID = "_user_id"


def begin_staff_session(account: StaffUser) -> None:
    """Mark the session just signed in (after ``login_user``).

    The session's instants come from this module's own reading of the clock,
    the same one that :func:`end_stale_staff_session` compares them with."""
    session[GENERATION] = account.session_generation
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(utc_now().timestamp())


def session_is_current(account: StaffUser) -> bool:
    """False for a session begun before the account's last sign-out."""
    return session.get(GENERATION) == account.session_generation


def clear_session() -> None:
    """Forget everything in the session but the chosen language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _instant(value: object) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


def end_stale_staff_session() -> None:
    """``before_request``: end an idle or too old staff session; else note this use."""
    if not has_session_cookie(current_app, request) or USER_ID not in session:
        return
    now = utc_now()
    signed_in_at, seen_at = _instant(session.get(SIGNED_IN_AT)), _instant(session.get(SEEN_AT))
    if (
        signed_in_at is None
        or seen_at is None
        or now - seen_at > IDLE_LIMIT
        or now - signed_in_at > LIFETIME
    ):
        logout_user()
        clear_session()
        flash(_("Your session has ended. Please sign in again."), "info")
        return
    session[SEEN_AT] = int(now.timestamp())


def register_staff_sessions(app: Flask) -> None:
    app.before_request(end_stale_staff_session)
