"""Flask's signed-cookie sessions, without the work for a request that has no cookie.

Most requests to the public JSON API carry no session cookie; for them the
session starts empty without building the signing serializer, and the
serializer, when needed, is built once per secret key instead of per request.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[object, object] = {}

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = self._serializers[key] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class() if app.secret_key else None
        return super().open_session(app, request)


def has_session_cookie(app: Flask, request: Request) -> bool:
    """Whether the request brought a session cookie (else its session starts empty)."""
    return app.session_interface.get_cookie_name(app) in request.cookies
