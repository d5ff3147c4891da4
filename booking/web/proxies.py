"""Whose address is this request from: the peer, or what trusted reverse proxies say.

With ``BOOKING_TRUSTED_PROXIES`` = N > 0 the app sits behind N proxies that each
append the address they saw to ``X-Forwarded-For`` (and say the scheme in
``X-Forwarded-Proto``); werkzeug's ProxyFix then takes the address the outermost
trusted proxy saw.  With 0 (the default) those headers are never believed: a
client could write anything in them.  Rate limits, sign-in throttling and
Flask-Login's session protection all use :func:`client_address`.
"""

from __future__ import annotations

from hashlib import sha512

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask, count: int) -> None:
    """Believe ``count`` proxies' X-Forwarded-For and -Proto (none when 0)."""
    if count < 0:
        raise ValueError("BOOKING_TRUSTED_PROXIES cannot be negative")
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def client_address() -> str:
    """The client's address as decided above (the rate limiter's key)."""
    return request.remote_addr or "unknown"


def session_identifier() -> str:
    """Flask-Login's "strong" session protection: address and browser of the session.

    Flask-Login's own identifier reads X-Forwarded-For whoever wrote it; this one
    uses the address decided by ProxyFix (or the peer's)."""
    user_agent = request.headers.get("User-Agent", "")
    return sha512(f"{client_address()}|{user_agent}".encode()).hexdigest()
