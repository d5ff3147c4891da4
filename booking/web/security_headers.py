"""Security headers on every answer: no sniffing, no framing, a strict content policy."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask


def content_policy(*, form_targets: Iterable[str] = ()) -> str:
    """The Content-Security-Policy; ``form_targets`` are further origins a form on the
    page may lead to (a browser also checks where a form's answer redirects)."""
    targets = " ".join(["'self'", *sorted(set(form_targets))])
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-ancestors 'none'; form-action {targets}"
    )


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", content_policy())
        return response
