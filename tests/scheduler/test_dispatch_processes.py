"""Several real scheduler processes against one database and the fake Twilio gateway.

2,000 due messages (every tenth a hold's verification code); two or three
``python -m scheduler`` processes must deliver each exactly once. A process
killed with SIGKILL mid-run loses nothing: its claims run out and the survivor
sends them; the only duplicates possible are messages sent but not yet
recorded at the kill (inside the lease).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from booking.data.enums import MessageStatus
from booking.data.models import OutboxMessage
from booking.data.sessions import read_only
from booking.engine.clock import utc_now
from tests.scheduler.bulk import insert_due_confirmations
from tests.scheduler.conftest import ACCOUNT_SID

pytestmark = pytest.mark.slow

MESSAGES = 2000
ROOT = Path(__file__).resolve().parents[2]


def scheduler_env(database_url: str, twilio, **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOOKING_")}
    env.update(
        BOOKING_DATABASE_URL=database_url,
        BOOKING_BASE_URL="http://booking.test",
        BOOKING_SMS_BACKEND="twilio",
        BOOKING_TWILIO_API_BASE=twilio.base_url,
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN="test-token",
        BOOKING_OUTBOX_BATCH="20",
        **extra,
    )
    return env


def start_scheduler(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "scheduler", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)  # polling a real gateway and real processes
    return condition()


def status_counts(engine) -> dict[str, int]:
    # Observers only read: a deferred BEGIN on SQLite never queues behind the schedulers.
    with read_only(), engine.connect() as connection:
        rows = connection.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {str(status): count for status, count in rows}


def held_by(engine, pid: int) -> int:
    """How many messages a process (by its worker id ``host:pid:…``) holds claimed."""
    with read_only(), engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.status == MessageStatus.CLAIMED,
                OutboxMessage.claimed_by.like(f"%:{pid}:%"),
            )
        )


@pytest.fixture
def due_messages(factory, clean_database):
    factory.region()
    return insert_due_confirmations(clean_database, MESSAGES, now=utc_now(), held_every=10)


@pytest.mark.parametrize("processes", [2, 3])
def test_competing_schedulers_deliver_each_message_exactly_once(
    database_url, clean_database, due_messages, twilio, processes, tmp_path
):
    env = scheduler_env(database_url, twilio)
    log = tmp_path / "scheduler.log"
    started = time.monotonic()
    workers = [start_scheduler(env, log, "--once") for _ in range(processes)]
    for worker in workers:
        worker.wait(timeout=120)
    elapsed = time.monotonic() - started
    assert [worker.returncode for worker in workers] == [0] * processes, log.read_text()

    per_number = {}
    for delivery in twilio.deliveries:
        per_number[delivery.to] = per_number.get(delivery.to, 0) + 1
    assert sorted(per_number) == sorted(due_messages)
    assert set(per_number.values()) == {1}
    assert status_counts(clean_database) == {MessageStatus.SENT.value: MESSAGES}
    codes = [d.body for d in twilio.deliveries if "Etävaraus-koodisi" in d.body]
    assert len(codes) == MESSAGES // 10
    with read_only(), clean_database.connect() as connection:
        kept = select(func.count()).where(OutboxMessage.one_time_code.is_not(None))
        assert connection.scalar(kept) == 0  # sent: no code stays behind
    print(f"{processes} schedulers: {MESSAGES} messages in {elapsed:.1f} s")


def test_a_killed_scheduler_loses_nothing_and_duplicates_stay_inside_the_lease(
    database_url, clean_database, due_messages, twilio, tmp_path
):
    env = scheduler_env(
        database_url,
        twilio,
        BOOKING_OUTBOX_LEASE_SECONDS="3",
        BOOKING_SCHEDULER_POLL_SECONDS="0.2",
    )
    victim = start_scheduler(env, tmp_path / "victim.log")
    survivor = start_scheduler(env, tmp_path / "survivor.log")
    try:
        assert wait_until(lambda: len(twilio.deliveries) >= MESSAGES // 4, timeout=60)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        orphaned = held_by(clean_database, victim.pid)
        everyone = set(due_messages)
        assert wait_until(
            lambda: {delivery.to for delivery in twilio.deliveries} >= everyone, timeout=90
        )
        assert wait_until(
            lambda: status_counts(clean_database) == {MessageStatus.SENT.value: MESSAGES},
            timeout=30,
        )
    finally:
        for process in (victim, survivor):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        survivor.wait(timeout=30)

    counts = twilio.counts()
    duplicates = sum(count - 1 for count in counts.values())
    print(
        f"killed scheduler: {orphaned} claims orphaned and taken over, "
        f"{len(twilio.deliveries)} deliveries, {duplicates} duplicates"
    )
    assert victim.returncode == -signal.SIGKILL
    assert len(counts) == MESSAGES
    # Only a message sent but not yet recorded at the kill can go twice.
    assert duplicates <= 1
