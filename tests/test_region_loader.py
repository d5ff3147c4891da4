"""Loading the region file into the database: idempotent, updates in place, keeps history."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from booking.data.calendar_models import CalendarRevision
from booking.data.models import (
    Appointment,
    Closure,
    Expert,
    Municipality,
    Offering,
    OpeningHours,
    Room,
    Service,
    ServicePoint,
)
from booking.region.loader import load_region
from booking.region.reader import RegionFileError, parse_region, read_region_file

REGION_FILE = Path(__file__).resolve().parent.parent / "config" / "regions" / "keski-suomi.toml"
SHIPPED = REGION_FILE.read_text(encoding="utf-8")


def region_with(old: str, new: str, *, after: str = ""):
    start = SHIPPED.index(after) if after else 0
    at = SHIPPED.index(old, start)
    return parse_region(SHIPPED[:at] + new + SHIPPED[at + len(old) :], source="edited.toml")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def revision(session) -> int:
    return session.get(CalendarRevision, 1).value


def snapshot(session) -> dict[str, object]:
    """What an operator would compare: row counts and every point's and expert's state."""
    counts = {
        model.__name__: count(session, model)
        for model in (Municipality, ServicePoint, Room, Service, Offering, OpeningHours, Expert)
    }
    points = session.execute(select(ServicePoint.id, ServicePoint.name_fi, ServicePoint.active))
    experts = session.execute(select(Expert.id, Expert.key, Expert.active))
    return {"counts": counts, "points": sorted(points), "experts": sorted(experts)}


@pytest.fixture
def loaded(session):
    summary = load_region(session, read_region_file(REGION_FILE))
    session.commit()
    return summary


def test_loads_the_whole_region(session, loaded):
    assert loaded.created["municipalities"] == 22
    assert loaded.created["points"] == 15
    assert loaded.created["experts"] == 23
    assert not +loaded.updated and not +loaded.deactivated
    assert count(session, ServicePoint) == 15
    korpilahti = session.get(ServicePoint, "jyvaskyla-korpilahti")
    assert korpilahti.municipality.name_fi == "Jyväskylä"
    assert [room.key for room in korpilahti.rooms] == ["video-1", "video-2"]
    luhanka = session.get(ServicePoint, "luhanka")
    assert [(h.weekday, h.opens, h.closes) for h in luhanka.opening_hours] == [
        (1, time(10), time(12)),
        (1, time(12, 30), time(14, 30)),
    ]
    expert = session.scalar(select(Expert).where(Expert.key == "kela-aino-laaksonen"))
    assert {s.id for s in expert.services} == {"kela-benefits", "kela-families"}
    assert expert.languages == "fi,sv"
    assert len(expert.working_hours) == 10
    assert count(session, Closure) == 4
    assert revision(session) > 0  # no availability cached before the load survives it


def test_loading_again_changes_nothing(session, loaded):
    before, before_revision = snapshot(session), revision(session)
    summary = load_region(session, read_region_file(REGION_FILE))
    session.commit()
    assert str(summary) == "no changes"
    assert snapshot(session) == before
    assert revision(session) == before_revision  # cached availability stays valid


def test_a_changed_name_is_updated_in_place(session, loaded):
    before, before_revision = snapshot(session), revision(session)
    region = region_with(
        'name_fi = "Keuruun asiointipiste"',
        'name_fi = "Keuruun palvelupiste"',
        after="[points.keuruu]",
    )
    summary = load_region(session, region)
    session.commit()
    assert summary.updated["points"] == 1 and not +summary.created
    assert session.get(ServicePoint, "keuruu").name_fi == "Keuruun palvelupiste"
    assert snapshot(session)["counts"] == before["counts"]
    assert revision(session) > before_revision


def test_removed_expert_becomes_inactive_and_keeps_her_appointments(session, factory, loaded):
    expert = session.scalar(select(Expert).where(Expert.key == "vero-timo-salminen"))
    factory.appointment(
        point=session.get(ServicePoint, "keuruu"),
        service=session.get(Service, "vero-personal"),
        expert=expert,
        starts_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    )
    start = SHIPPED.index('[[experts]]\nkey = "vero-timo-salminen"')
    end = SHIPPED.index("[[experts]]", start + 1)
    region = parse_region(SHIPPED[:start] + SHIPPED[end:], source="edited.toml")

    summary = load_region(session, region)
    session.commit()

    assert summary.deactivated["experts"] == 1
    session.refresh(expert)
    assert expert.active is False
    assert count(session, Appointment) == 1
    assert session.scalar(select(Appointment)).expert_id == expert.id

    load_region(session, read_region_file(REGION_FILE))  # back in the file: active again
    session.commit()
    session.refresh(expert)
    assert expert.active is True
    assert count(session, Expert) == 23


def test_removed_room_becomes_inactive(session, loaded):
    region = region_with(
        '  { key = "video-2", name = "Etäpalveluhuone 2" },\n', "", after="[points.keuruu]"
    )
    summary = load_region(session, region)
    session.commit()
    assert summary.deactivated["rooms"] == 1
    rooms = {room.key: room.active for room in session.get(ServicePoint, "keuruu").rooms}
    assert rooms == {"video-1": True, "video-2": False}


def test_hours_and_offerings_are_replaced_to_match_the_file(session, loaded):
    region = region_with(
        'offers = ["kela-benefits", "dvv-guardianship"]\n[points.luhanka.hours]\n'
        'tue = ["10:00-12:00", "12:30-14:30"]',
        'offers = ["kela-benefits"]\n[points.luhanka.hours]\nthu = ["09:00-12:00"]',
    )
    summary = load_region(session, region)
    session.commit()
    assert summary.removed["offerings"] == 1
    luhanka = session.get(ServicePoint, "luhanka")
    session.refresh(luhanka)
    assert [o.service_id for o in luhanka.offerings] == ["kela-benefits"]
    assert [(h.weekday, h.opens, h.closes) for h in luhanka.opening_hours] == [
        (3, time(9), time(12))
    ]


def test_a_malformed_file_changes_nothing(session, loaded):
    before = snapshot(session)
    with pytest.raises(RegionFileError):
        region_with('name_fi = "Keuruun asiointipiste"', 'name_fi = "Keuruu"\nrooms = 3')
    assert snapshot(session) == before


def test_setup_with_a_malformed_file_names_it_and_changes_nothing(
    session, loaded, database_url, tmp_path
):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from booking.app import create_app
    from booking.cli import setup
    from tests.conftest import test_settings

    bad_file = tmp_path / "keski-suomi.toml"
    bad_file.write_text(SHIPPED.replace('fri = ["08:30-13:00"]', 'fri = ["08:30-25:00"]'))
    app = create_app(test_settings(database_url, BOOKING_REGION_FILE=str(bad_file)))
    before = snapshot(session)
    try:
        result = CliRunner().invoke(setup, [], obj=ScriptInfo(create_app=lambda: app))
    finally:
        app.extensions["booking.engine"].dispose()
    line = SHIPPED[: SHIPPED.index('fri = ["08:30-13:00"]')].count("\n") + 1
    assert result.exit_code == 1
    assert f"{bad_file}, line {line}, field points.keuruu.hours.fri" in result.output
    session.expire_all()
    assert snapshot(session) == before
