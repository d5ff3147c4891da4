"""``booking serve``: gunicorn serving ``create_app()``.

Threaded workers (:mod:`booking.server_worker`) that give a thread only to a
request that has fully arrived, so that slow clients cannot hold every thread;
request heads are limited in size.  ``X-Forwarded-*`` headers are left to the
app, which believes them only behind ``BOOKING_TRUSTED_PROXIES`` proxies.

Access logs name the path of each request, but manage links and calendar
feeds carry secret tokens in their paths, so those are masked.
"""

from __future__ import annotations

import resource

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


#: Open files a process of the server may hold: a worker's connections (gunicorn's
#: ``worker_connections``, 1,000) and its own files, with room to spare.
OPEN_FILES_WANTED = 4096

#: gunicorn settings facing the open internet (``booking serve`` adds bind, workers, threads).
HARDENED_OPTIONS: dict[str, object] = {
    "worker_class": "booking.server_worker.WholeRequestWorker",
    # A worker that stops reporting for this long is restarted.
    "timeout": 30,
    "graceful_timeout": 20,
    # Idle kept-alive connections, and connections that sent nothing yet, close after this.
    "keepalive": 5,
    "limit_request_line": 4094,
    "limit_request_fields": 50,
    "limit_request_field_size": 8190,
    # The app's ProxyFix decides which forwarded headers to believe, not gunicorn.
    "forwarded_allow_ips": "",
    # Answers are written from memory without blocking (server_answers.py), not sent
    # from the file by the kernel.
    "sendfile": False,
    # No run-time control socket in the home directory: nothing here uses it.
    "control_socket_disable": True,
}


def raise_open_files_limit(wanted: int = OPEN_FILES_WANTED) -> None:
    """Raise this process's limit of open files (its workers inherit it) towards
    ``wanted``, as far as the hard limit allows: a service manager's usual soft
    limit (1,024) is about gunicorn's 1,000 connections a worker."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def run_gunicorn(*, host: str, port: int, workers: int, threads: int = 8, **extra: object) -> None:
    raise_open_files_limit()
    options = {
        **HARDENED_OPTIONS,
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "accesslog": "-",
        "logger_class": MaskingLogger,
        # The worker's process id says which worker answered.
        "access_log_format": '%(p)s %(h)s "%(r)s" %(s)s %(L)ss',
        **extra,
    }
    BookingServer(options).run()
