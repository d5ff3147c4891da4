"""``booking serve``: gunicorn serving ``create_app()``.

Access logs name the path of each request, but manage links and calendar
feeds carry secret tokens in their paths, so those are masked.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from booking.web.secret_paths import mask_secrets


class MaskingLogger(Logger):
    """gunicorn's logger, with secret tokens masked and query strings left out."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_secrets(environ.get("PATH_INFO", ""))
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path}"
        return atoms


class BookingServer(BaseApplication):
    def __init__(self, options: dict[str, object]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from booking.app import create_app

        return create_app()


def run_gunicorn(*, host: str, port: int, workers: int, **extra: object) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "logger_class": MaskingLogger,
        "access_log_format": '%(h)s "%(r)s" %(s)s %(L)ss',
        **extra,
    }
    BookingServer(options).run()
