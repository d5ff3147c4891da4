"""The review step of the booking flow: the details typed, checked again, before confirming.

Reached by a redirect from the details form (post/redirect/get), so the
browser's Back from the confirmation comes here without asking to resend a
form.  Once the time is booked, coming back here says so instead of offering
to book it again.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from booking.engine.clock import utc_now
from booking.public.blueprint import bp
from booking.public.booking_views import chosen, details_page, is_free, taken_page
from booking.public.draft import choice_args, draft_for
from booking.public.forms import DetailsForm


@bp.get("/book/review")
def review():
    asked = choice_args(request.args)
    draft = draft_for(asked)
    if draft is None:  # nothing typed for this time (or the session ended): type it again
        return redirect(url_for(".details", **asked))
    now = utc_now()
    form = DetailsForm(data=draft)
    choice = chosen(form, now)
    form.set_agency(choice.service.agency_id if choice else None)
    if "booked" in draft and choice is not None:
        return render_template(
            "public/book/already.html",
            title=_("This time is already yours"),
            choice=choice,
            manage_url=url_for(".manage", token=draft["booked"]),
        )
    if choice is None or choice.starts_at is None:
        return details_page(form, choice, 422)
    if not is_free(choice, now):
        return taken_page(choice, form, now)
    if not form.check_details():
        return details_page(form, choice, 422)
    return render_template(
        "public/book/review.html",
        title=_("Check your booking"),
        form=form,
        choice=choice,
        step="review",
    )
