"""What staff pages share: the day asked for, a bare button form, and running a button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import flash, redirect
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from booking.data.models import Appointment
from booking.engine.clock import to_helsinki, utc_now
from booking.web.database import get_session
from booking.web.refusals import refusal_texts
from booking.web.transaction import run_use_case

#: Days outside these years are taken as a typing slip.
FIRST_YEAR, LAST_YEAR = 2000, 2200


class ActionForm(FlaskForm):
    """A button-only form (check in, no-show, done): just the CSRF token."""


def parse_day(raw: str | None, *, now: datetime) -> date:
    """``YYYY-MM-DD`` from a query string; today in Helsinki when missing, malformed or
    outside the years staff could mean (so that the next week never overflows)."""
    if raw:
        try:
            asked = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if FIRST_YEAR <= asked.year <= LAST_YEAR:
                return asked
    return to_helsinki(now).date()


def parse_start(raw: str | None) -> datetime | None:
    """An aware instant from a form's ISO 8601 value, or None (also for implausible years)."""
    try:
        moment = datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    if moment.tzinfo is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    return moment


def run_change(
    appointment_id: int,
    form: FlaskForm,
    change: Callable[..., object],
    *,
    done_message: str,
    back: Callable[[Appointment], str],
    onward: Callable[[Appointment], str] | None = None,
):
    """A staff button: run one use case on an appointment the signed-in user may see.

    ``change(session, appointment, now=..., by_user_id=...)`` is a use case of
    :mod:`booking.appointments` (it writes its own audit event and outbox rows).
    Commits on success; a refusal is flashed and changes nothing.  Redirects to
    ``back(appointment)``, or on success to ``onward(appointment)`` when given.
    """
    from booking.web.access import appointment_or_404, staff_user

    db = get_session()
    user = staff_user()
    item = appointment_or_404(db, user, appointment_id)
    target = back(item)
    if not form.validate_on_submit():
        flash(_("Please try again."), "error")
        return redirect(target)
    refusal = run_use_case(db, lambda: change(db, item, now=utc_now(), by_user_id=user.id)).refusal
    if refusal is not None:  # e.g. a cancel reason with markup in it: each detail's message
        flash(" ".join(refusal_texts(refusal).values()), "error")
        return redirect(target)
    flash(done_message, "success")
    return redirect(onward(item) if onward is not None else target)
