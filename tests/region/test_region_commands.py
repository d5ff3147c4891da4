"""``booking region export`` and ``booking region import``, and ``booking setup``'s part.

Export writes what the database holds in the region file's format; importing
that unchanged reports no change.  An import prints every change and what
becomes of each booked appointment it makes impossible, then applies it all
(or, with ``--dry-run``, nothing); an invalid file exits 2 naming the line.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from booking.app import create_app
from booking.cli import cli
from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment, Closure, Expert, ExpertAbsence, Service, ServicePoint
from booking.region.calendar_changes import add_absence
from booking.region.expert_changes import add_expert
from booking.region.loader import load_region
from booking.region.point_details import PointDetails, add_point
from booking.region.reader import read_region_file
from booking.region.short_day_changes import set_short_days
from tests.conftest import test_settings as settings_for
from tests.factories import NOW

REGION_FILE = Path(__file__).resolve().parents[2] / "config" / "regions" / "keski-suomi.toml"
SHIPPED = REGION_FILE.read_text(encoding="utf-8")
#: Tuesday 10.3.2026 10:00 Helsinki, Keuruu open 08:30-11:30.
TUESDAY_TEN = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def app(database_url, clean_database):
    app = create_app(settings_for(database_url, BOOKING_REGION_FILE=str(REGION_FILE)))
    yield app
    app.extensions["booking.engine"].dispose()


@pytest.fixture
def loaded(session):
    load_region(session, read_region_file(REGION_FILE))
    session.commit()


def run(app, *arguments):
    return app.test_cli_runner().invoke(cli, list(arguments))


def test_export_then_import_reports_no_change(app, loaded, session, clock, tmp_path):
    aino = session.scalar(select(Expert).where(Expert.key == "kela-aino-laaksonen"))
    whole_days = (datetime(2026, 3, 29, 21, tzinfo=UTC), datetime(2026, 3, 31, 21, tzinfo=UTC))
    afternoon = (datetime(2026, 10, 25, 12, tzinfo=UTC), datetime(2026, 10, 25, 14, tzinfo=UTC))
    for starts_at, ends_at in (whole_days, afternoon):
        add_absence(
            session, aino.id, starts_at, ends_at, reason="loma", now=clock.now, by_user_id=None
        )
    session.commit()
    exported = tmp_path / "exported.toml"
    result = run(app, "region", "export", "--output", str(exported))
    assert result.exit_code == 0, result.output
    absences = read_region_file(exported).absences  # a valid region file
    assert [(a.starts, a.ends) for a in absences] == [whole_days, afternoon]
    text = exported.read_text(encoding="utf-8")
    assert (
        "first_day = 2026-03-30\nlast_day = 2026-03-31" in text
    )  # across the change to summer time
    assert "starts = 2026-10-25T14:00:00+02:00" in text

    result = run(app, "region", "import", str(exported), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "No changes."
    assert "Dry run: 0 changes, 0 appointments hit" in result.stdout


def test_what_the_admin_pages_add_goes_through_export_and_import_unchanged(
    app, loaded, session, tmp_path
):
    """A new point (hidden online, one room, no hours), a new expert (no hours), a
    hidden point and a service's texts of what to bring all survive the round trip."""
    details = PointDetails(
        name_fi="Keuruun kirjasto",
        name_sv="Keuruu bibliotek",
        name_en="Keuruu library",
        street_address="Kirjastotie 1",
        postal_code="42700",
        post_office="KEURUU",
        phone="014 751 8000",
        municipality_id="keuruu",
        online=True,
    )
    add_point(session, "keuruu-kirjasto", details, "Etähuone", now=NOW, by_user_id=None)
    add_expert(
        session,
        agency_id="kela",
        name="Ritva Räsänen",
        email="ritva@kela.fi",
        service_ids=[],
        languages=["fi", "sv"],
        now=NOW,
        by_user_id=None,
    )
    session.get(ServicePoint, "keuruu").online = False
    service = session.get(Service, "kela-benefits")
    service.what_to_bring_fi = "Kuvallinen henkilöllisyystodistus.\nViimeisin päätös."
    service.what_to_bring_en = 'A photo ID and "the latest decision".'
    session.commit()

    exported = tmp_path / "exported.toml"
    assert run(app, "region", "export", "--output", str(exported)).exit_code == 0
    region = read_region_file(exported)
    points = {point.id: point for point in region.points}
    assert not points["keuruu-kirjasto"].online and not points["keuruu"].online
    assert points["keuruu-kirjasto"].hours == () and points["keuruu-kirjasto"].offers == ()
    services = {s.id: s for s in region.services}
    assert services["kela-benefits"].what_to_bring_en == 'A photo ID and "the latest decision".'
    assert services["kela-benefits"].what_to_bring_sv == ""
    assert "ritva-rasanen" in {expert.key for expert in region.experts}

    result = run(app, "region", "import", str(exported), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "No changes."


def test_export_to_stdout_is_the_same_file(app, loaded, tmp_path):
    exported = tmp_path / "exported.toml"
    run(app, "region", "export", "--output", str(exported))
    assert run(app, "region", "export").stdout == exported.read_text(encoding="utf-8")


def test_import_prints_each_change_and_each_hit_appointment_then_applies(
    app, loaded, session, factory, clock, tmp_path
):
    point = session.get(ServicePoint, "keuruu")
    service = point.offerings[0].service
    booked = factory.appointment(point=point, service=service, starts_at=TUESDAY_TEN)
    changed = tmp_path / "changed.toml"
    changed.write_text(
        SHIPPED + '\n[[closures]]\npoint = "keuruu"\ndate = 2026-03-10\nreason = "Vesivahinko"\n',
        encoding="utf-8",
    )

    dry = run(app, "region", "import", str(changed), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "closure keuruu 2026-03-10: added" in dry.stdout
    assert f"appointment {booked.reference} 2026-03-10 08:00 UTC keuruu" in dry.stdout
    assert "(point_closed): cancelled, citizen told" in dry.stdout
    session.expire_all()
    assert session.get(Appointment, booked.id).status is AppointmentStatus.BOOKED
    assert session.scalar(select(Closure).where(Closure.closed_on == TUESDAY_TEN.date())) is None
    session.commit()

    applied = run(app, "region", "import", str(changed))
    assert applied.exit_code == 0, applied.output
    assert (
        applied.stdout.replace("Applied", "Dry run").split("\n")[:-2] == dry.stdout.split("\n")[:-2]
    )
    session.expire_all()
    assert session.get(Appointment, booked.id).status is AppointmentStatus.CANCELLED
    session.commit()
    assert "No changes." in run(app, "region", "import", str(changed), "--dry-run").stdout


def test_an_absence_in_the_file_prints_its_consequences_like_the_page_then_applies(
    app, loaded, session, factory, clock, tmp_path
):
    point = session.get(ServicePoint, "keuruu")
    service = point.offerings[0].service
    booked = factory.appointment(point=point, service=service, starts_at=TUESDAY_TEN)
    expert = booked.expert.key
    changed = tmp_path / "absent.toml"
    entry = f'expert = "{expert}"\nfirst_day = 2026-03-10\nlast_day = 2026-03-10\nreason = "sairas"'
    changed.write_text(SHIPPED + f"\n[[absences]]\n{entry}\n", encoding="utf-8")

    dry = run(app, "region", "import", str(changed), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"absence {expert} 2026-03-10: added" in dry.stdout
    assert f"appointment {booked.reference} 2026-03-10 08:00 UTC keuruu (expert_away): " in (
        dry.stdout
    )
    assert "Dry run: 1 changes, 1 appointments hit; nothing saved." in dry.stdout
    session.expire_all()
    assert session.scalar(select(ExpertAbsence.id)) is None
    session.commit()

    applied = run(app, "region", "import", str(changed))
    assert applied.exit_code == 0, applied.output
    assert applied.stdout.split("\n")[:-2] == dry.stdout.split("\n")[:-2]
    session.expire_all()
    assert session.scalar(select(ExpertAbsence.reason)) == "sairas"
    assert session.get(Appointment, booked.id).expert.key != expert or (
        session.get(Appointment, booked.id).status is AppointmentStatus.CANCELLED
    )
    session.commit()
    again = run(app, "region", "import", str(changed), "--dry-run")
    assert again.stdout.splitlines()[0] == "No changes."


def test_an_invalid_absence_exits_2_naming_file_line_and_field(app, loaded, tmp_path):
    bad = tmp_path / "bad.toml"
    entry = 'expert = "kela-aino-laaksonen"\nfirst_day = 2026-03-10\nlast_day = 2026-03-01'
    bad.write_text(SHIPPED + f"\n[[absences]]\n{entry}\n", encoding="utf-8")
    line = SHIPPED.count("\n") + 5
    result = run(app, "region", "import", str(bad), "--dry-run")
    assert result.exit_code == 2
    assert f"{bad}, line {line}, field absences[0].last_day: must not be before" in result.stderr


def test_an_invalid_file_exits_2_naming_file_line_and_field(app, loaded, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SHIPPED.replace('fri = ["08:30-13:00"]', 'fri = ["08:30-25:00"]'))
    line = SHIPPED[: SHIPPED.index('fri = ["08:30-13:00"]')].count("\n") + 1
    result = run(app, "region", "import", str(bad))
    assert result.exit_code == 2
    assert f"{bad}, line {line}, field points.keuruu.hours.fri" in result.stderr


def test_setup_loads_the_file_only_into_an_empty_database(app, session, tmp_path):
    first = run(app, "setup")
    assert first.exit_code == 0, first.output
    assert "Region loaded" in first.stdout
    point = session.get(ServicePoint, "keuruu")
    point.name_fi = "Keuruun uusi piste"
    session.commit()

    again = run(app, "setup")
    assert again.exit_code == 0, again.output
    assert "`booking region import` changes it" in again.stdout
    session.expire_all()
    assert session.get(ServicePoint, "keuruu").name_fi == "Keuruun uusi piste"


def test_who_sees_the_figures_goes_through_export_and_import(app, loaded, tmp_path):
    allowing = tmp_path / "allowing.toml"
    allowing.write_text(
        SHIPPED.replace("advisors_see_their_points = false", "advisors_see_their_points = true"),
        encoding="utf-8",
    )
    result = run(app, "region", "import", str(allowing))
    assert result.exit_code == 0, result.output
    assert "figures: advisors_see_their_points False -> True" in result.stdout

    exported = tmp_path / "exported.toml"
    run(app, "region", "export", "--output", str(exported))
    assert read_region_file(exported).figures.advisors_see_their_points is True
    result = run(app, "region", "import", str(exported), "--dry-run")
    assert result.stdout.splitlines()[0] == "No changes."


def test_an_absence_entered_again_from_the_same_start_is_lengthened_not_doubled(
    app, loaded, session, clock, tmp_path
):
    aino = session.scalar(select(Expert).where(Expert.key == "kela-aino-laaksonen"))
    monday = datetime(2026, 3, 8, 22, tzinfo=UTC)  # 9.3. 00:00 Helsinki
    for days in (1, 3, 2):
        add_absence(
            session, aino.id, monday, monday + timedelta(days=days), now=clock.now, by_user_id=None
        )
    session.commit()
    assert session.scalars(select(ExpertAbsence.ends_at)).all() == [monday + timedelta(days=3)]
    session.commit()

    exported = tmp_path / "exported.toml"
    run(app, "region", "export", "--output", str(exported))
    [absence] = read_region_file(exported).absences
    assert (absence.starts, absence.ends) == (monday, monday + timedelta(days=3))


def test_short_days_changed_on_the_page_are_what_the_export_writes(
    app, loaded, session, clock, tmp_path
):
    set_short_days(session, time(12), ("12-24",), now=clock.now, by_user_id=None)
    session.commit()
    exported = tmp_path / "exported.toml"
    run(app, "region", "export", "--output", str(exported))
    calendar = read_region_file(exported).calendar
    assert (calendar.short_day_closes, calendar.short_days) == (time(12), ("12-24",))

    back = run(app, "region", "import", str(REGION_FILE), "--dry-run")
    assert "calendar: short_day_closes '12:00' -> '13:00'" in back.stdout
