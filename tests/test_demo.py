"""``booking setup --demo`` data: staff who can log in, a lived-in calendar, added once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from booking.data.availability_cache import clear_availability_cache
from booking.data.enums import AppointmentStatus, Role
from booking.data.models import Appointment, Service, StaffUser
from booking.data.sessions import make_session_factory
from booking.demo.calendar import add_demo_data
from booking.engine.clock import HELSINKI
from booking.region.loader import load_region
from booking.region.reader import read_region_file
from tests.conftest import empty_all_tables

REGION_FILE = Path(__file__).resolve().parent.parent / "config" / "regions" / "keski-suomi.toml"
#: Wednesday 2 December 2026, 12:00 in Helsinki.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
DAYS = 1


@pytest.fixture(scope="module")
def demo_world(engine):
    """The region and its demo data, built once per backend for this module's readers."""
    session = make_session_factory(engine)()
    load_region(session, read_region_file(REGION_FILE))
    summary = add_demo_data(session, NOW, days=DAYS)
    session.commit()
    yield session, summary
    session.close()
    empty_all_tables(engine)
    clear_availability_cache()


@pytest.fixture
def session(demo_world):
    return demo_world[0]


@pytest.fixture
def demo(demo_world):
    return demo_world[1]


def test_demo_staff_can_log_in_with_the_printed_passwords(session, demo):
    printed = str(demo)
    for login in demo.logins:
        account = session.scalar(select(StaffUser).where(StaffUser.email == login.email))
        assert check_password_hash(account.password_hash, login.password)
        assert login.email in printed and login.password in printed
    accounts = {account.role: account for account in session.scalars(select(StaffUser))}
    assert {p.id for p in accounts[Role.ADVISOR].points} == {"jyvaskyla-korpilahti", "keuruu"}
    assert accounts[Role.EXPERT].expert.key == "kela-aino-laaksonen"
    assert accounts[Role.EXPERT].agency_id == "kela"
    assert accounts[Role.ADMIN].points == []


def test_calendars_look_lived_in_before_and_after_now(session, demo):
    appointments = session.scalars(select(Appointment)).all()
    assert demo.appointments_added == len(appointments) > 30
    past = [a for a in appointments if a.ends_at <= NOW]
    future = [a for a in appointments if a.starts_at > NOW]
    assert {a.status for a in past} >= {AppointmentStatus.DONE, AppointmentStatus.NO_SHOW}
    assert {a.status for a in future} <= {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED}
    assert AppointmentStatus.BOOKED in {a.status for a in future}
    days = {a.starts_at.astimezone(HELSINKI).date() for a in appointments}
    assert min(days) >= (NOW - timedelta(days=DAYS)).date()
    assert max(days) <= (NOW + timedelta(days=DAYS)).date()
    assert len({a.point_id for a in appointments}) >= 10


def test_demo_appointments_are_consistent(session, demo):
    buffers = {
        sid: minutes for sid, minutes in session.execute(select(Service.id, Service.buffer_minutes))
    }
    for appointment in session.scalars(select(Appointment)):
        assert appointment.blocked_until == appointment.ends_at + timedelta(
            minutes=buffers[appointment.service_id]
        )
        assert appointment.created_at <= min(appointment.starts_at, NOW)
        assert appointment.created_at <= appointment.updated_at <= NOW
        assert re.fullmatch(r"\+358(40|50)0000\d{3}", appointment.phone)
        assert appointment.ical_uid.endswith("@demo.etavaraus")
        if appointment.status is AppointmentStatus.CANCELLED:
            assert appointment.cancelled_at <= NOW
        if appointment.status is AppointmentStatus.DONE:
            assert appointment.checked_in_at < appointment.starts_at


def test_running_demo_again_adds_nothing(session, demo):
    before = session.scalar(select(func.count(Appointment.id)))
    again = add_demo_data(session, NOW, days=DAYS)
    session.commit()
    assert again.appointments_added == 0
    assert session.scalar(select(func.count(Appointment.id))) == before
    assert session.scalar(select(func.count(StaffUser.id))) == 3
