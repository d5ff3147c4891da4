"""The accessibility statement's feedback form: sent, kept for the staff, answered.

A plain form (no JavaScript needed) with a CSRF token, rate-limited per client
(``BOOKING_RATELIMIT_FEEDBACK``).
A bad field is refused on the statement page itself; a good message is kept
(``booking.appointments.feedback``) and the browser is sent to a page that
thanks the sender and names the address answers come from (post/redirect/get).
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from booking.appointments.feedback import record_feedback
from booking.engine.clock import utc_now
from booking.public.blueprint import bp
from booking.public.forms import FeedbackForm
from booking.public.views import statement_page
from booking.web.database import get_session
from booking.web.i18n import current_language
from booking.web.rate_limits import feedback_limit


@bp.post("/accessibility/feedback")
@feedback_limit
def send_feedback():
    form = FeedbackForm()
    if not form.validate_on_submit():
        return statement_page(form), 422
    session = get_session()
    record_feedback(session, form.cleaned, language=current_language(), now=utc_now())
    session.commit()
    return redirect(url_for(".feedback_sent"), 303)


@bp.get("/accessibility/feedback/sent")
def feedback_sent():
    return render_template(
        "public/feedback_sent.html",
        title=_("Thank you for your feedback"),
        contact=current_app.config["BOOKING_CONTACT_EMAIL"],
    )
