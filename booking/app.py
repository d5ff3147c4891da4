"""``create_app`` builds the web application: settings, extensions, blueprints.

Nothing happens at import time, and the scheduler is never started here.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from flask import Flask


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    from config.settings import check_secret_key, settings_from_env

    app = Flask(__name__)
    from booking.web.cookie_sessions import CookieSessions

    app.session_interface = CookieSessions()
    app.config.update(settings_from_env())
    if test_config:
        app.config.update(test_config)
    check_secret_key(app.config.get("SECRET_KEY"))

    from booking.web.proxies import trust_proxies

    trust_proxies(app, int(app.config["BOOKING_TRUSTED_PROXIES"]))

    from booking.web import database

    database.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)
    from booking.api.availability_hits import AvailabilityHits

    app.wsgi_app = AvailabilityHits(app.wsgi_app, app.extensions["booking.engine"])  # type: ignore[method-assign]

    from booking.web.cache_rules import register_cache_rules
    from booking.web.errors import register_error_handlers
    from booking.web.security_headers import register_security_headers
    from booking.web.staff_sessions import register_staff_sessions
    from booking.web.templating import register_template_helpers

    register_error_handlers(app)
    register_staff_sessions(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_cache_rules(app)
    return app


def _init_extensions(app: Flask) -> None:
    from booking.web.extensions import babel, csrf, limiter, login_manager
    from booking.web.i18n import select_locale
    from booking.web.rate_limit_storage import storage_uri

    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", app.config["BOOKING_RATELIMIT_ENABLED"])
    # Counted in Redis when there is one, else in the app's database: either way
    # once for every worker (and, with Redis or PostgreSQL, for every server).
    redis_url = app.config.get("BOOKING_REDIS_URL")
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", redis_url or storage_uri(app.config["BOOKING_DATABASE_URL"])
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)

    from booking.web.access import load_staff_user

    login_manager.user_loader(load_staff_user)


#: The modules whose view functions register themselves on their audience's blueprint.
VIEW_MODULES = (
    "booking.admin.calendar_views",
    "booking.admin.catalogue_views",
    "booking.admin.experts_views",
    "booking.admin.feedback_views",
    "booking.admin.hours_views",
    "booking.admin.offerings_views",
    "booking.admin.point_views",
    "booking.admin.rooms_views",
    "booking.admin.short_days_views",
    "booking.admin.staff_views",
    "booking.admin.views",
    "booking.api.appointments",
    "booking.api.catalogue",
    "booking.api.free_times",
    "booking.api.openapi",
    "booking.api.views",
    "booking.auth.password_views",
    "booking.auth.views",
    "booking.desk.booking_views",
    "booking.desk.views",
    "booking.expert.feed_views",
    "booking.expert.views",
    "booking.figures_web.views",
    "booking.public.booking_views",
    "booking.public.code_views",
    "booking.public.feedback_views",
    "booking.public.finder_views",
    "booking.public.formatting",
    "booking.public.manage_views",
    "booking.public.review_views",
    "booking.public.views",
    "booking.webhooks.views",
)


def _register_blueprints(app: Flask) -> None:
    for module in VIEW_MODULES:
        importlib.import_module(module)

    from booking.admin.blueprint import bp as admin_bp
    from booking.api.blueprint import bp as api_bp
    from booking.auth.blueprint import bp as auth_bp
    from booking.desk.blueprint import bp as desk_bp
    from booking.expert.blueprint import bp as expert_bp
    from booking.expert.blueprint import feeds_bp
    from booking.figures_web.blueprint import bp as figures_bp
    from booking.public.blueprint import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    for staff_bp in (auth_bp, desk_bp, expert_bp, feeds_bp, admin_bp, figures_bp):
        app.register_blueprint(staff_bp)

    from booking.web.extensions import csrf
    from booking.webhooks.blueprint import bp as webhooks_bp

    # Webhooks are signed by their sender instead (booking.webhooks.views).
    csrf.exempt(webhooks_bp)
    app.register_blueprint(webhooks_bp, url_prefix="/api/v1/webhooks")
