"""Security headers on every answer: no sniffing, no framing, a strict content policy.

When the site's public address is https, browsers are also told to use https
only (HSTS), so that nobody on the way can strip it later.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask

HSTS = "max-age=31536000"


def content_policy(*, form_targets: Iterable[str] = ()) -> str:
    """The Content-Security-Policy; ``form_targets`` are further origins a form on the
    page may lead to (a browser also checks where a form's answer redirects)."""
    targets = " ".join(["'self'", *sorted(set(form_targets))])
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-ancestors 'none'; form-action {targets}; base-uri 'none'"
    )


def register_security_headers(app: Flask) -> None:
    https_only = str(app.config.get("BOOKING_BASE_URL", "")).startswith("https://")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", content_policy())
        if https_only:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
