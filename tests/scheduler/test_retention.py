"""Retention: personal data goes a set time after the appointment; the statistics stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from booking.data.enums import MessageStatus
from booking.data.models import Appointment, OutboxMessage
from booking.data.sessions import make_session_factory, read_only
from scheduler.retention import purge_all

#: Mon 30.3.2026 10:00 Helsinki.
MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def snapshot(session):
    session.commit()
    with read_only():
        appointments = session.scalars(
            select(Appointment).order_by(Appointment.id).execution_options(populate_existing=True)
        ).all()
        messages = session.scalars(
            select(OutboxMessage).execution_options(populate_existing=True)
        ).all()
        session.commit()
    return appointments, messages


def test_personal_data_and_bodies_are_erased_after_retention_counts_stay(
    session, clean_database, book, dispatcher
):
    old = book(MONDAY_TEN, email="maija@example.org", needs="tulkki", topic="benefits")
    recent = book(MONDAY_TEN + timedelta(days=1), email="pekka@example.org")
    assert dispatcher.dispatch_batch().sent == 4
    erase_at = old.ends_at + timedelta(days=90, minutes=1)

    erased = purge_all(make_session_factory(clean_database), now=erase_at, retention_days=90)

    assert erased == 1
    appointments, messages = snapshot(session)
    gone, kept = appointments
    assert (gone.name, gone.phone, gone.email, gone.needs) == ("", None, None, "")
    assert gone.manage_token_hash is None and gone.personal_data_erased_at == erase_at
    # What statistics count is still there.
    assert (gone.point_id, gone.service_id, gone.status, gone.topic, gone.starts_at) == (
        old.point_id,
        old.service_id,
        old.status,
        "benefits",
        MONDAY_TEN,
    )
    assert kept.id == recent.id and kept.phone == recent.phone
    old_messages = [m for m in messages if m.appointment_id == gone.id]
    assert {(m.recipient, m.body, m.manage_url) for m in old_messages} == {("", None, None)}
    assert {m.status for m in old_messages if m.kind == "confirmation"} == {MessageStatus.SENT}
    assert all(m.body for m in messages if m.appointment_id == kept.id and m.sent_at)


def test_purge_is_idempotent(session, clean_database, book):
    book(MONDAY_TEN)
    sessions = make_session_factory(clean_database)
    later = MONDAY_TEN + timedelta(days=200)
    assert purge_all(sessions, now=later, retention_days=90) == 1
    assert purge_all(sessions, now=later, retention_days=90) == 0
    session.commit()
    with read_only():
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1
        session.commit()
