"""``booking serve``: gunicorn serving ``create_app()``."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class BookingServer(BaseApplication):
    def __init__(self, options: dict[str, object]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from booking import create_app

        return create_app()


def run_gunicorn(*, host: str, port: int, workers: int, **extra: object) -> None:
    options = {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-", **extra}
    # Access logs carry paths only; manage tokens travel in paths, so keep them out.
    options["access_log_format"] = '%(h)s "%(m)s %(U)s" %(s)s %(L)ss'
    BookingServer(options).run()
