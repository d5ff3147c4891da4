"""The scheduler process: APScheduler 3 with an in-memory job store, jobs that poll our tables.

Due work lives in our own tables (the outbox), never in a shared APScheduler
job store (two processes sharing one ran jobs twice when tried). So any
number of scheduler processes may run: each polls, and row claims keep them
apart. ``booking scheduler [--once]`` calls :func:`run_scheduler`.

Extra settings (all optional): ``BOOKING_SCHEDULER_POLL_SECONDS`` (5),
``BOOKING_OUTBOX_LEASE_SECONDS`` (60), ``BOOKING_OUTBOX_BATCH`` (20).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from booking.appointments.holds import expire_lapsed_holds
from booking.appointments.manage_tokens import ManageLinks
from booking.data.rate_limit_counters import delete_ended_windows
from booking.data.sessions import make_engine, make_session_factory
from booking.engine.clock import HELSINKI, utc_now
from booking.figures.month_totals import summarize_months_over
from booking.figures.third_free_time import measure_third_free_times
from notifications.senders import email_sender_from_settings, sms_sender_from_settings
from scheduler.agenda import queue_daily_agendas
from scheduler.dispatch import Dispatcher, DispatchPolicy, DispatchReport, release_stale_claims
from scheduler.retention import purge_all

log = logging.getLogger(__name__)

#: How often lapsed holds are marked expired (their times are free from expiry anyway).
HOLD_SWEEP_SECONDS = 60
#: How often ended rate-limit windows are deleted.
RATE_LIMIT_SWEEP_SECONDS = 600


@dataclass
class SchedulerRuntime:
    engine: Engine
    sessions: sessionmaker[Session]
    dispatcher: Dispatcher
    retention_days: int
    poll_seconds: float

    def dispatch_due(self) -> DispatchReport:
        report = self.dispatcher.drain(budget=timedelta(seconds=max(self.poll_seconds * 4, 10)))
        if report.claimed:
            log.info(
                "outbox: %d sent, %d retried, %d failed, %d skipped, %d lost",
                report.sent,
                report.retried,
                report.failed,
                report.skipped,
                report.lost,
            )
        return report

    def release_stale(self, now: datetime | None = None) -> int:
        with self.sessions() as session, session.begin():
            return release_stale_claims(session, now=now or utc_now())

    def purge(self, now: datetime | None = None) -> int:
        erased = purge_all(self.sessions, now=now or utc_now(), retention_days=self.retention_days)
        if erased:
            log.info("retention: erased personal data of %d appointments", erased)
        return erased

    def expire_holds(self, now: datetime | None = None) -> int:
        """Mark lapsed holds expired (their times already read as free)."""
        with self.sessions() as session, session.begin():
            return expire_lapsed_holds(session, now=now or utc_now())

    def forget_ended_rate_limits(self, now: datetime | None = None) -> int:
        """Delete rate-limit windows that have ended (they already count as empty)."""
        with self.engine.begin() as connection:
            return delete_ended_windows(connection, now=now or utc_now())

    def measure_third_free_times(self, now: datetime | None = None) -> int:
        """Measure, for today, how far ahead each point's third free time lies per agency."""
        with self.sessions() as session, session.begin():
            return measure_third_free_times(session, now=now or utc_now())

    def summarize_months(self, now: datetime | None = None) -> int:
        """Count the facts of each month that is over once, for the figures to read."""
        with self.sessions() as session, session.begin():
            return summarize_months_over(session, now=now or utc_now())

    def queue_agendas(self, now: datetime | None = None) -> int:
        with self.sessions() as session, session.begin():
            return queue_daily_agendas(session, now=now or utc_now())


def build_runtime(settings: Mapping[str, object]) -> SchedulerRuntime:
    engine = make_engine(str(settings["BOOKING_DATABASE_URL"]))
    sessions = make_session_factory(engine)
    lease = timedelta(seconds=float(settings.get("BOOKING_OUTBOX_LEASE_SECONDS") or 60))
    policy = DispatchPolicy(
        batch_size=int(settings.get("BOOKING_OUTBOX_BATCH") or 20),
        lease=lease,
        lease_margin=min(timedelta(seconds=5), lease / 4),
    )
    dispatcher = Dispatcher(
        sessions=sessions,
        sms=sms_sender_from_settings(dict(settings)),
        email=email_sender_from_settings(dict(settings)),
        mail_from=str(settings.get("BOOKING_MAIL_FROM") or "etavaraus@localhost"),
        base_url=str(settings.get("BOOKING_BASE_URL") or ""),
        manage_links=manage_links_from(settings),
        policy=policy,
    )
    return SchedulerRuntime(
        engine=engine,
        sessions=sessions,
        dispatcher=dispatcher,
        retention_days=int(settings.get("BOOKING_RETENTION_DAYS") or 90),
        poll_seconds=float(settings.get("BOOKING_SCHEDULER_POLL_SECONDS") or 5),
    )


def manage_links_from(settings: Mapping[str, object]) -> ManageLinks | None:
    """The web's manage links (the same address and secret key), or None without a key."""
    secret = settings.get("SECRET_KEY")
    if not secret:
        return None
    return ManageLinks.from_secret(str(settings.get("BOOKING_BASE_URL") or ""), str(secret))


def run_once(runtime: SchedulerRuntime) -> DispatchReport:
    """Every job one time: hand back stale claims, expire lapsed holds, forget ended
    rate-limit windows, purge, measure the third free times, count the months that
    are over, queue agendas, send all that is due."""
    runtime.release_stale()
    runtime.expire_holds()
    runtime.forget_ended_rate_limits()
    runtime.purge()
    runtime.measure_third_free_times()
    runtime.summarize_months()
    runtime.queue_agendas()
    total = DispatchReport()
    while True:
        report = runtime.dispatch_due()
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if report.claimed == 0:
            return total


def run_scheduler(settings: Mapping[str, object], once: bool = False) -> DispatchReport | None:
    """Run the scheduler until SIGTERM/SIGINT; with ``once``, run every due job one time,
    return what the outbox dispatch did, and exit."""
    runtime = build_runtime(settings)
    try:
        if once:
            return run_once(runtime)
        scheduler = BlockingScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=3)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=HELSINKI,
        )
        started = utc_now()
        lease = runtime.dispatcher.policy.lease.total_seconds()
        scheduler.add_job(
            runtime.dispatch_due,
            "interval",
            seconds=runtime.poll_seconds,
            id="dispatch-outbox",
            next_run_time=started,
        )
        scheduler.add_job(
            runtime.release_stale,
            "interval",
            seconds=max(lease / 4, 0.5),
            id="release-stale-claims",
            next_run_time=started,
        )
        scheduler.add_job(
            runtime.expire_holds,
            "interval",
            seconds=HOLD_SWEEP_SECONDS,
            id="expire-holds",
            next_run_time=started,
        )
        scheduler.add_job(
            runtime.forget_ended_rate_limits,
            "interval",
            seconds=RATE_LIMIT_SWEEP_SECONDS,
            id="forget-ended-rate-limits",
            next_run_time=started,
        )
        scheduler.add_job(
            runtime.purge, "cron", hour=3, minute=30, id="retention", next_run_time=started
        )
        # Early, before the day's first bookings; a second run the same day replaces it.
        scheduler.add_job(
            runtime.measure_third_free_times,
            "cron",
            hour=5,
            minute=0,
            id="third-free-times",
            next_run_time=started,
        )
        scheduler.add_job(
            runtime.summarize_months,
            "cron",
            hour=4,
            minute=0,
            id="summarize-months",
            next_run_time=started,
        )
        scheduler.add_job(
            runtime.queue_agendas, "cron", hour=7, minute=0, id="agendas", next_run_time=started
        )

        def stop(_signum, _frame):
            log.info("scheduler stopping")
            runtime.dispatcher.stopping.set()
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("scheduler %s started", runtime.dispatcher.worker_id)
        scheduler.start()
        return None
    finally:
        runtime.engine.dispose()
