"""The site's manage links, made from its public address and its secret key."""

from __future__ import annotations

from flask import current_app

from booking.appointments.manage_tokens import ManageLinks


def manage_links() -> ManageLinks:
    config = current_app.config
    return ManageLinks.from_secret(str(config["BOOKING_BASE_URL"]), str(config["SECRET_KEY"]))
