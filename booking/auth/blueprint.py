"""Staff sign-in and sign-out (Flask-Login): the door to the desk, expert and admin pages."""

from flask import Blueprint
from flask_babel import lazy_gettext

bp = Blueprint("auth", __name__)


@bp.record_once
def configure_login(state) -> None:
    from booking.web.extensions import login_manager

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"
    # A session cookie copied to another browser or address stops working.
    login_manager.session_protection = "strong"
