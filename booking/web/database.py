"""The request's database session: one per request, closed after it; the view commits."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from booking.data.availability_cache import cache_of_engine
from booking.data.sessions import make_engine, make_session_factory, read_only_context


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory; close the session after each request."""
    engine = make_engine(app.config["BOOKING_DATABASE_URL"])
    cache_of_engine(engine).size = int(app.config["BOOKING_AVAILABILITY_CACHE_ENTRIES"])
    app.extensions["booking.engine"] = engine
    app.extensions["booking.sessions"] = make_session_factory(engine)

    @app.before_request
    def mark_reads():
        g._read_only_token = read_only_context.set(request.method in {"GET", "HEAD", "OPTIONS"})

    @app.teardown_appcontext
    def close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()  # rolls back whatever was not committed
        token = g.pop("_read_only_token", None)
        if token is not None:
            read_only_context.reset(token)


def get_session() -> Session:
    """The session of the current request (or app context); the caller commits."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["booking.sessions"]()
    return g.db_session


def get_engine() -> Engine:
    return current_app.extensions["booking.engine"]
