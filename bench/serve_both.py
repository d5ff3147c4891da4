"""Bench only: the booking app and a bare Flask "hello" at ``/bare``, in one WSGI app.

Served by ``booking serve``'s own gunicorn application class, so both endpoints
run in the same server, the same workers and the same run: sync workers, or,
given a number of threads, ``booking serve``'s own threaded workers and
settings.  The booking app's settings come from the environment as usual
(``BOOKING_DATABASE_URL``, ...).
"""

from __future__ import annotations

import sys

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from booking.server import HARDENED_OPTIONS, BookingServer


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/")
    def hello():
        return "hello"

    return app


def both():
    from booking.app import create_app

    return DispatcherMiddleware(create_app(), {"/bare": bare_app()})


class BenchServer(BookingServer):
    def load(self):
        return both()


def main() -> None:
    port, workers, pidfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    options = {"bind": f"127.0.0.1:{port}", "workers": workers, "pidfile": pidfile}
    if threads:  # ``booking serve``'s own workers
        options.update(HARDENED_OPTIONS, threads=threads)
    BenchServer({**options, "loglevel": "warning"}).run()


if __name__ == "__main__":
    main()
