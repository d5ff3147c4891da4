"""Revision 0007 on a database that already has appointments: each gets its anonymous
fact (an erased one without a link), the new statuses hold rooms, and the way back works."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from booking.data import schema
from booking.data.appointment_facts import AppointmentFact
from booking.data.audit_models import AuditEvent
from booking.data.models import Appointment, StaffUser
from booking.data.sessions import make_engine, make_session_factory
from booking.region.loader import load_region
from booking.region.reader import read_region_file
from booking.testing.scratch_databases import create_scratch_database, drop_scratch_database
from tests.factories import NOW

REGION_FILE = Path(__file__).resolve().parents[2] / "config" / "regions" / "keski-suomi.toml"
START = NOW + timedelta(days=1)  # Tuesday 3 March, 10:00 Helsinki
#: The revision before the facts.
FACTS_DOWN_REVISION = "0006"
#: The appointment columns written before the facts exist.
EARLIER = {
    "revision": 0,
    "channel": "online",
    "point_id": "keuruu",
    "service_id": "kela-benefits",
    "name": "Maija Meikäläinen",
    "phone": "+358401234567",
    "language": "fi",
    "topic": "",
    "needs": "",
    "cancel_reason": "",
    "created_at": NOW - timedelta(days=9),
    "updated_at": NOW,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_facts(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'booking.sqlite3'}"
    else:
        server = os.environ.get("BOOKING_TEST_POSTGRES_URL")
        if not server:
            pytest.skip("BOOKING_TEST_POSTGRES_URL not set")
        url = create_scratch_database(server, "booking_migration")
    engine = make_engine(url)
    # The region is loaded by today's loader into today's schema, which then goes
    # back to the revision before the facts (the region's tables keep their rows).
    upgrade_to(engine, "head")
    session = make_session_factory(engine)()
    load_region(session, read_region_file(REGION_FILE))
    session.commit()
    session.close()
    upgrade_to(engine, FACTS_DOWN_REVISION, down=True)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_scratch_database(server, url)


def upgrade_to(engine, revision: str, *, down: bool = False) -> None:
    config = schema.alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def add_appointments(engine) -> None:
    session = make_session_factory(engine)()
    room = session.execute(text("SELECT id FROM room WHERE point_id = 'keuruu'")).scalar()
    experts = session.execute(
        text("SELECT expert_id FROM expert_service WHERE service_id = 'kela-benefits'")
    ).scalars()
    expert = next(iter(experts))
    account = StaffUser.__table__
    session.execute(
        insert(account).values(
            id=1, email="a@staff.test", display_name="", password_hash="x", role="advisor"
        )
    )
    rows = [
        ("done", START, None, None),
        ("cancelled", START + timedelta(hours=1), START - timedelta(hours=5), None),
        ("cancelled", START + timedelta(hours=2), START - timedelta(days=3), None),
        ("no_show", START - timedelta(days=120), None, NOW),
    ]
    for number, (status, starts_at, cancelled_at, erased_at) in enumerate(rows, start=1):
        ends_at = starts_at + timedelta(minutes=30)
        session.execute(
            insert(Appointment.__table__).values(
                id=number,
                reference=f"REF{number}",
                ical_uid=f"{number}@etavaraus.test",
                status=status,
                room_id=room,
                expert_id=expert,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=ends_at + timedelta(minutes=15),
                cancelled_at=cancelled_at,
                personal_data_erased_at=erased_at,
                **EARLIER,
            )
        )
    session.execute(
        insert(AuditEvent.__table__).values(
            at=NOW, user_id=1, action="cancel", appointment_id=2, detail=""
        )
    )
    session.commit()
    session.close()


def test_existing_appointments_get_their_facts(database_before_facts):
    engine = database_before_facts
    add_appointments(engine)
    upgrade_to(engine, "head")
    session = make_session_factory(engine)()
    links = dict(session.execute(select(Appointment.id, Appointment.fact_id)).all())
    assert links[4] is None  # erased before: its fact is not linked
    facts = {
        number: session.get(AppointmentFact, fact_id)
        for number, fact_id in links.items()
        if fact_id
    }
    assert session.scalar(select(func.count()).select_from(AppointmentFact)) == 4
    done, by_staff, by_citizen = facts[1], facts[2], facts[3]
    assert (done.month, done.outcome, done.lead_days) == ("2026-03", "done", 10)
    assert (done.booked_minutes, done.used_minutes, done.call_minutes) == (30, 30, None)
    assert (by_staff.cancelled_by, by_staff.cancel_notice_hours) == ("staff", 6)
    assert (by_citizen.cancelled_by, by_citizen.cancel_notice_hours) == ("citizen", 74)
    assert by_citizen.booked_minutes == 0

    # A call under way holds its room, on a database upgraded from before it existed.
    session.execute(text("UPDATE appointment SET status = 'in_call' WHERE id = 1"))
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(
            text(
                "UPDATE appointment SET status = 'booked', starts_at = :start, "
                "blocked_until = :until WHERE id = 3"
            ),
            {"start": START + timedelta(minutes=15), "until": START + timedelta(minutes=60)},
        )
        session.flush()
    session.rollback()
    session.close()

    upgrade_to(engine, FACTS_DOWN_REVISION, down=True)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT status FROM appointment WHERE id = 1")) == "arrived"
    upgrade_to(engine, "head")
