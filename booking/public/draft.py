"""The details a citizen has typed, kept between the details step and the confirmation.

The details form answers with a redirect to the review page (post/redirect/get),
so that the browser's Back and Reload never ask to send a form again; the
review page reads what was typed from here.  The draft lives in the signed
session cookie of the citizen's own browser only, is tied to one chosen time,
and after the booking keeps no details, only which booking it became.
"""

from __future__ import annotations

from flask import session

DRAFT_KEY = "booking_draft"
#: The chosen time: the review page's URL carries it, and the draft must match it.
CHOICE_FIELDS = ("point", "service", "start")


def keep_draft(form) -> None:
    """Remember the details form's choice and fields (as typed) for the review page."""
    session[DRAFT_KEY] = {
        name: form[name].data or "" for name in (*CHOICE_FIELDS, *form.DETAIL_FIELDS)
    }


def choice_args(values) -> dict[str, str]:
    """The chosen point, service and start of a mapping (request args or a draft)."""
    return {name: str(values.get(name) or "") for name in CHOICE_FIELDS}


def draft_for(choice: dict[str, str]) -> dict[str, str] | None:
    """The draft of exactly this chosen time, or None."""
    draft = session.get(DRAFT_KEY)
    if not isinstance(draft, dict) or choice_args(draft) != choice:
        return None
    return draft


def remember_booked(choice: dict[str, str], manage_token: str) -> None:
    """After the booking: forget the details, remember only which booking this time became,
    so that going back to the review page tells that it is booked."""
    session[DRAFT_KEY] = {**choice, "booked": manage_token}
