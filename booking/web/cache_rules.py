"""No personal data in caches: ``Cache-Control: no-store`` on private answers.

Private are every staff page (sign-in, desk, expert, admin, figures, calendar feeds),
the citizen's manage pages, whose address is a secret, and the API's
appointment answers, which carry a manage token or personal data.  The
citizen's booking steps are marked by the public blueprint itself.
"""

from __future__ import annotations

from flask import Flask, Response, request

STAFF_BLUEPRINTS = frozenset({"auth", "desk", "expert", "feeds", "admin", "figures"})
PRIVATE_PATH_PREFIXES = ("/manage/", "/api/v1/appointments")


def is_private() -> bool:
    return (
        request.blueprint in STAFF_BLUEPRINTS
        or request.path.startswith(PRIVATE_PATH_PREFIXES)
        or "Authorization" in request.headers
    )


def register_cache_rules(app: Flask) -> None:
    @app.after_request
    def keep_personal_data_out_of_caches(response: Response) -> Response:
        if is_private():
            response.headers["Cache-Control"] = "no-store"
        return response
