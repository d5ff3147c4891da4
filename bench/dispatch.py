"""Outbox dispatch throughput: messages per second through the real twilio client.

Sends N due confirmation SMS through ``python -m scheduler --once`` processes
(one, then two) against a local fake Twilio server, on SQLite (and on
PostgreSQL with ``--postgres URL``), and for comparison the bare twilio client
sending in a loop with no database. Prints the figures; run from the project
root: ``.venv/bin/python -m bench.dispatch [--messages 2000]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.engine.clock import utc_now
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from notifications.senders import SmsMessage, TwilioSmsSender
from tests.factories import Factory
from tests.fakes.twilio_server import FakeTwilio
from tests.scheduler.bulk import insert_due_confirmations

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_SID = "AC" + "2" * 32


def fresh_sqlite(folder: str) -> str:
    return f"sqlite:///{folder}/bench-{uuid.uuid4().hex[:8]}.sqlite3"


def prepare(url: str, messages: int) -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    session = make_session_factory(engine)()
    Factory(session).region()
    session.close()
    insert_due_confirmations(engine, messages, now=utc_now())
    engine.dispose()


def run_schedulers(url: str, processes: int, messages: int) -> dict[str, float]:
    with FakeTwilio() as twilio:
        env = {key: value for key, value in os.environ.items() if not key.startswith("BOOKING_")}
        env.update(
            BOOKING_DATABASE_URL=url,
            BOOKING_SMS_BACKEND="twilio",
            BOOKING_TWILIO_API_BASE=twilio.base_url,
            BOOKING_BASE_URL="http://booking.test",
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN="bench-token",
        )
        started = time.monotonic()
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "scheduler", "--once"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(processes)
        ]
        codes = [worker.wait() for worker in workers]
        wall = time.monotonic() - started
        times = sorted(delivery.at for delivery in twilio.deliveries)
        counts = twilio.counts()
    if codes != [0] * processes:
        raise SystemExit(f"a scheduler exited with {codes}")
    sending = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "delivered": len(counts),
        "duplicates": sum(count - 1 for count in counts.values()),
        "wall": wall,
        "rate": len(times) / sending,
    }


def bare_client_rate(messages: int) -> float:
    with FakeTwilio() as twilio:
        sender = TwilioSmsSender(
            account_sid=ACCOUNT_SID, auth_token="t", sender="Etavaraus", api_base=twilio.base_url
        )
        started = time.monotonic()
        for number in range(messages):
            sender.send(SmsMessage(to=f"+35850{number:07d}", body=f"Bench message {number}"))
        return messages / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("BOOKING_TEST_POSTGRES_URL"))
    args = parser.parse_args()

    bare = bare_client_rate(min(args.messages, 1000))
    print(f"bare twilio client, one thread, no database: {bare:7.0f} messages/s")
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            for processes in (1, 2):
                url = (
                    fresh_sqlite(folder)
                    if backend == "sqlite"
                    else create_scratch_database(args.postgres, "booking_bench")
                )
                try:
                    prepare(url, args.messages)
                    figures = run_schedulers(url, processes, args.messages)
                finally:
                    if backend == "postgresql":
                        drop_scratch_database(args.postgres, url)
                print(
                    f"{backend:10s} {processes} scheduler process(es): "
                    f"{figures['rate']:5.0f} messages/s while sending "
                    f"({figures['rate'] / bare:.2f} of the bare client), "
                    f"{args.messages} in {figures['wall']:.1f} s wall incl. start-up, "
                    f"{figures['delivered']} delivered, {figures['duplicates']} duplicates"
                )


if __name__ == "__main__":
    main()
