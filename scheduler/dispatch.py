"""Send due outbox messages: claim with a lease, render from the current state, send, record.

Several scheduler processes may run against one database. Each claims a small
batch in one short transaction — ``SELECT … FOR UPDATE SKIP LOCKED`` then an
UPDATE on PostgreSQL, one ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING
id`` under SQLite's write lock — and holds it until ``claimed_until``. A
crashed worker's claims run out and :func:`release_stale_claims` hands them
back, so every message is sent; one that was sent just before the crash but
not yet recorded may go twice (only inside the lease window).

Sending happens outside any transaction: the gateway's latency never holds a
database lock.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, null, select, update
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from booking.appointments.manage_tokens import ManageLinks
from booking.data.enums import MessageChannel, MessageKind, MessageStatus
from booking.data.models import Appointment, OutboxMessage, Service
from booking.data.sessions import read_only
from booking.engine.clock import utc_now
from booking.messages.outbox import outside_quiet_hours, queue_email_instead
from notifications.senders import (
    EmailSender,
    PermanentSendError,
    SendResult,
    SmsSender,
    TransientSendError,
)
from scheduler.outcomes import Outgoing, Skip
from scheduler.rendering import render_message

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/api/v1/webhooks/twilio/status"


@dataclass(frozen=True)
class DispatchPolicy:
    batch_size: int = 20
    lease: timedelta = timedelta(seconds=60)
    #: A claim this close to running out is not used for a send any more.
    lease_margin: timedelta = timedelta(seconds=5)
    max_attempts: int = 6
    first_retry: timedelta = timedelta(seconds=30)
    longest_retry: timedelta = timedelta(hours=2)

    def retry_delay(self, attempts: int) -> timedelta:
        """30 s, 1 min, 2 min, 4 min … (exponential, capped)."""
        return min(self.first_retry * (2 ** max(attempts - 1, 0)), self.longest_retry)


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    lost: int = 0  # claims that ran out before the send


@dataclass
class Dispatcher:
    sessions: sessionmaker[Session]
    sms: SmsSender
    email: EmailSender
    mail_from: str
    base_url: str = ""
    #: Makes the citizens' manage links again as messages are sent (none are stored).
    manage_links: ManageLinks | None = None
    policy: DispatchPolicy = field(default_factory=DispatchPolicy)
    worker_id: str = field(default_factory=lambda: new_worker_id())
    #: Set to stop after the message in hand (a graceful shutdown).
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def status_callback(self) -> str | None:
        return self.base_url.rstrip("/") + WEBHOOK_PATH if self.base_url else None

    def claim(self, now: datetime) -> list[int]:
        """Claim up to ``batch_size`` due messages for this worker; commits."""
        with self.sessions() as session, session.begin():
            return claim_due(session, self.worker_id, now, self.policy)

    def dispatch_batch(self, now: datetime | None = None) -> DispatchReport:
        """Claim one batch and send it. ``now`` is the claim time (the current one by default)."""
        now = now or utc_now()
        ids = self.claim(now)
        report = DispatchReport(claimed=len(ids))
        if ids:
            self.send_claimed(ids, now=now, claimed_until=now + self.policy.lease, report=report)
        return report

    def drain(self, *, budget: timedelta = timedelta(seconds=30)) -> DispatchReport:
        """Send batches until nothing is due or ``budget`` has passed."""
        total = DispatchReport()
        started = utc_now()
        while True:
            report = self.dispatch_batch()
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if report.claimed == 0 or utc_now() - started > budget or self.stopping.is_set():
                return total

    def send_claimed(
        self, ids: list[int], *, now: datetime, claimed_until: datetime, report: DispatchReport
    ) -> None:
        """Render the claimed messages in one read, then send them one by one while the
        lease lasts; each outcome is recorded in its own short transaction."""
        plans = self.render_all(ids, now)
        for position, (message_id, rendered) in enumerate(plans):
            if self.stopping.is_set():
                self.release([pending_id for pending_id, _ in plans[position:]])
                return
            if utc_now() >= claimed_until - self.policy.lease_margin:
                # Too close to the end of the lease: another worker may take it any moment.
                report.lost += 1
                continue
            self.deliver(message_id, rendered, report, now)

    def render_all(self, ids: list[int], now: datetime) -> list[tuple[int, Outgoing | Skip | str]]:
        """Each claimed message rendered from the current state (a str: rendering failed)."""
        plans: list[tuple[int, Outgoing | Skip | str]] = []
        with read_only(), self.sessions() as session, session.begin():
            messages = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker_id)
                .order_by(OutboxMessage.id)
                .options(
                    selectinload(OutboxMessage.appointment).options(
                        joinedload(Appointment.point),
                        joinedload(Appointment.room),
                        joinedload(Appointment.service).joinedload(Service.agency),
                    )
                )
            ).all()
            for message in messages:
                try:
                    rendered = render_message(
                        session,
                        message,
                        now=now,
                        mail_from=self.mail_from,
                        callback=self.status_callback,
                        base_url=self.base_url,
                        links=self.manage_links,
                    )
                except Exception as error:  # a bug must fail the message visibly, not the batch
                    log.exception("outbox message %s could not be rendered", message.id)
                    rendered = f"rendering failed: {type(error).__name__}"
                plans.append((message.id, rendered))
        return plans

    def deliver(
        self,
        message_id: int,
        rendered: Outgoing | Skip | str,
        report: DispatchReport,
        now: datetime,
    ) -> None:
        if isinstance(rendered, str):
            self.finish(message_id, report, now, permanent=rendered)
            return
        if isinstance(rendered, Skip):
            self.finish(message_id, report, now, skip=rendered)
            return
        try:
            result = self.send(rendered)
        except TransientSendError as error:
            self.finish(message_id, report, now, transient=str(error))
        except PermanentSendError as error:
            self.finish(message_id, report, now, permanent=str(error))
        else:
            self.record_sent(message_id, report, utc_now(), result=result, body=rendered.body)

    def record_sent(
        self,
        message_id: int,
        report: DispatchReport,
        now: datetime,
        *,
        result: SendResult,
        body: str,
    ) -> None:
        """The hot path: one UPDATE, and only while the claim is still this worker's."""
        with self.sessions() as session, session.begin():
            recorded = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == self.worker_id)
                .values(
                    status=MessageStatus.SENT,
                    provider_id=result.provider_id[:64],
                    delivery_status=result.status[:32],
                    sent_at=now,
                    body=body,
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                    one_time_code=None,  # sent: no copy of a code stays behind
                    manage_url=case(  # nor of a link to set a password
                        (OutboxMessage.kind == MessageKind.STAFF_LINK, null()),
                        else_=OutboxMessage.manage_url,
                    ),
                )
                .execution_options(synchronize_session=False)
            ).rowcount
        if recorded:
            report.sent += 1
        else:
            # Another worker took over after our lease ran out: it may send again.
            report.lost += 1
            log.warning("outbox message %s: claim lost before recording", message_id)

    def release(self, ids: list[int]) -> None:
        """Hand unsent claims back at once (a graceful stop), not counting them as attempts."""
        with self.sessions() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker_id)
                .values(
                    status=MessageStatus.PENDING,
                    claimed_by=None,
                    claimed_until=None,
                    attempts=OutboxMessage.attempts - 1,
                )
                .execution_options(synchronize_session=False)
            )

    def send(self, outgoing: Outgoing) -> SendResult:
        if outgoing.sms is not None:
            return self.sms.send(outgoing.sms)
        assert outgoing.email is not None
        return self.email.send(outgoing.email)

    def finish(
        self,
        message_id: int,
        report: DispatchReport,
        now: datetime,
        *,
        skip: Skip | None = None,
        transient: str | None = None,
        permanent: str | None = None,
    ) -> None:
        """Record a skip, a retry or a failure, if this worker still holds the claim."""
        with self.sessions() as session, session.begin():
            message = session.get(OutboxMessage, message_id, with_for_update=True)
            if message is None or message.claimed_by != self.worker_id:
                # Another worker took over after our lease ran out: it decides now.
                report.lost += 1
                log.warning("outbox message %s: claim lost before recording", message_id)
                return
            message.claimed_by = None
            message.claimed_until = None
            if skip is not None:
                message.status = skip.status
                message.due_at = skip.retry_at or message.due_at
                message.last_error = skip.reason
                if skip.retry_at is not None:
                    message.attempts = max(message.attempts - 1, 0)  # waiting is no attempt
                if skip.email_instead:
                    queue_email_instead(session, message, now=now)
                report.skipped += 1
            elif transient is not None and message.attempts < self.policy.max_attempts:
                message.status = MessageStatus.PENDING
                retry_at = now + self.policy.retry_delay(message.attempts)
                message.due_at = outside_quiet_hours(message.kind, retry_at)
                message.last_error = transient[:500]
                report.retried += 1
            else:
                message.status = MessageStatus.FAILED
                message.last_error = (permanent or transient or "failed")[:500]
                report.failed += 1
                log.warning("outbox message %s failed: %s", message_id, message.last_error)
                if message.channel == MessageChannel.SMS:
                    queue_email_instead(session, message, now=now)
            if message.status != MessageStatus.PENDING:
                message.one_time_code = None  # settled: no copy of a code stays behind
                if message.kind == MessageKind.STAFF_LINK:
                    message.manage_url = None  # nor of a link to set a password


def claim_due(session: Session, worker_id: str, now: datetime, policy: DispatchPolicy) -> list[int]:
    """Mark up to ``policy.batch_size`` due, pending messages as claimed by ``worker_id``."""
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(policy.batch_size)
    )
    claim = {
        "status": MessageStatus.CLAIMED,
        "claimed_by": worker_id,
        "claimed_until": now + policy.lease,
        "attempts": OutboxMessage.attempts + 1,
    }
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(due.with_for_update(skip_locked=True)))
        if ids:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(**claim)
                .execution_options(synchronize_session=False)
            )
        return ids
    # SQLite: the engine begins write transactions IMMEDIATE, so this runs alone.
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(due.scalar_subquery()),
            OutboxMessage.status == MessageStatus.PENDING,
        )
        .values(**claim)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.scalars(statement))


def release_stale_claims(session: Session, *, now: datetime) -> int:
    """Hand back claims whose lease ran out (their worker died or hung); flushes only."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.CLAIMED, OutboxMessage.claimed_until < now)
        .values(status=MessageStatus.PENDING, claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    released = result.rowcount or 0
    if released:
        log.warning("released %d stale outbox claims", released)
    return released


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
