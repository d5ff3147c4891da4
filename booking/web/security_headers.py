"""Security headers on every answer: no sniffing, no framing, a strict content policy.

When the site's public address is https, browsers are also told to use https
only (HSTS), so that nobody on the way can strip it later.
"""

from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HSTS = "max-age=31536000"


def register_security_headers(app: Flask) -> None:
    https_only = str(app.config.get("BOOKING_BASE_URL", "")).startswith("https://")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if https_only:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
