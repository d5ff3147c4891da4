"""A fake Twilio REST API on 127.0.0.1 for the real ``twilio`` client.

It answers ``POST /2010-04-01/Accounts/{sid}/Messages.json`` like Twilio:
201 with a message resource, or an error body ``{"code", "message", "status"}``.
Tests steer it per recipient number (``permanent`` → 400/21211) or with a
script of the next answers (``fail_next(500, times=2)``), make it slow, and
read what it accepted (``deliveries``).
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Delivery:
    sid: str
    to: str
    sender: str
    body: str
    status_callback: str | None
    at: float  # time.monotonic() when accepted


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that timed out has hung up (the slow-gateway tests): nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeTwilio:
    """Start with ``with FakeTwilio() as twilio:``; ``twilio.base_url`` is the API base."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self.permanent: set[str] = set()
        self.script: list[tuple[int, int]] = []  # (HTTP status, Twilio code) for next answers
        self.delay = 0.0
        self.requests = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go as two writes

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if len(data) < length:
                    return  # the client died mid-request: like Twilio, accept nothing
                form = {k: v[0] for k, v in parse_qs(data.decode()).items()}
                status, payload = fake.answer(self.path, form)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status: int, code: int = 20500, times: int = 1) -> None:
        with self.lock:
            self.script.extend([(status, code)] * times)

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        if self.delay:
            time.sleep(self.delay)  # a slow gateway, on the server's own thread
        with self.lock:
            self.requests += 1
            if not path.endswith("/Messages.json"):
                return 404, {"code": 20404, "message": "not found", "status": 404}
            if self.script:
                status, code = self.script.pop(0)
                return status, {"code": code, "message": "scripted failure", "status": status}
            to = form.get("To", "")
            if to in self.permanent:
                message = f"The 'To' number {to} is not a valid phone number."
                return 400, {"code": 21211, "message": message, "status": 400}
            delivery = Delivery(
                sid="SM" + uuid.uuid4().hex,
                to=to,
                sender=form.get("From", ""),
                body=form.get("Body", ""),
                status_callback=form.get("StatusCallback"),
                at=time.monotonic(),
            )
            self.deliveries.append(delivery)
        return 201, {
            "sid": delivery.sid,
            "account_sid": path.split("/")[3],
            "to": delivery.to,
            "from": delivery.sender,
            "body": delivery.body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "date_created": formatdate(usegmt=True),
            "date_updated": formatdate(usegmt=True),
            "uri": f"{path[: -len('.json')]}/{delivery.sid}.json",
        }

    def counts(self) -> Counter[str]:
        """How many times each body arrived."""
        with self.lock:
            return Counter(delivery.body for delivery in self.deliveries)
