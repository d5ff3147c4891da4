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
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", content_policy()),
    ]
    if str(app.config.get("BOOKING_BASE_URL", "")).startswith("https://"):
        headers.append(("Strict-Transport-Security", HSTS))

    @app.after_request
    def security_headers(response):
        present = response.headers
        missing = [(name, value) for name, value in headers if name not in present]
        present.extend(missing)
        return response
