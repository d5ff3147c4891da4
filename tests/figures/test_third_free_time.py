"""How many days ahead the third free time lies: measured daily by the scheduler, kept,
and shown on the figures page and in the CSV.

Testilä is open on Wednesdays 9–10 only; Kela's 30-minute service (15 minutes'
buffer, 15-minute grid) then has 9.00, 9.15 and 9.30.  The clock stands on
Monday 2.3.2026 10.00, so the third free time is Wednesday 4.3 9.30: two days
ahead.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from booking.data.enums import Role
from booking.data.figures_models import ThirdFreeTime
from booking.figures.report import council_figures
from booking.figures.scope import Scope
from booking.figures.third_free_time import measure_third_free_times
from scheduler.app import build_runtime
from tests.conftest import test_settings as settings_for
from tests.staff.conftest import add_account, sign_in

WEDNESDAY = 2
EXPORT = "/figures/export.csv?from=2026-03&to=2026-03"


@pytest.fixture
def world(factory, clock):
    point = factory.point(hours={WEDNESDAY: [(time(9), time(10))]})
    kela = factory.service()
    factory.expert("kela-anna")
    factory.service("vero-advice", agency="vero", horizon_days=1)
    factory.expert("vero-ville", agency="vero", services=("vero-advice",))
    return {"point": point, "kela": kela}


def measured(session) -> dict[tuple[str, str, str], int | None]:
    rows = session.execute(select(ThirdFreeTime).order_by(ThirdFreeTime.measured_on)).scalars()
    return {(f"{r.measured_on:%d.%m}", r.point_id, r.agency_id): r.days_ahead for r in rows}


def test_the_third_free_time_is_measured_per_point_and_agency(session, world, clock):
    assert measure_third_free_times(session, now=clock.now) == 2
    session.commit()
    # Vero books one day ahead only: no Wednesday, so not three free times.
    assert measured(session) == {
        ("02.03", "testila", "kela"): 2,
        ("02.03", "testila", "vero"): None,
    }


def test_a_booking_moves_the_third_free_time_on_by_a_week(session, factory, world, clock):
    factory.appointment(
        point=world["point"],
        service=world["kela"],
        starts_at=datetime(2026, 3, 4, 7, 0, tzinfo=UTC),  # Wednesday 9.00 Helsinki
    )
    measure_third_free_times(session, now=clock.now)
    session.commit()
    # 9.00 taken (with its buffer to 9.45): Wednesday has nothing left; the next has three.
    assert measured(session)[("02.03", "testila", "kela")] == 9


def test_a_second_run_replaces_the_days_measure_and_the_next_day_adds_one(session, world, clock):
    measure_third_free_times(session, now=clock.now)
    measure_third_free_times(session, now=clock.now)
    clock.move(days=1)
    measure_third_free_times(session, now=clock.now)
    session.commit()
    assert measured(session) == {
        ("02.03", "testila", "kela"): 2,
        ("02.03", "testila", "vero"): None,
        ("03.03", "testila", "kela"): 1,
        ("03.03", "testila", "vero"): 1,  # from Tuesday, Wednesday is within Vero's day
    }


def test_the_scheduler_measures_and_keeps_the_day(database_url, session, world, clock):
    runtime = build_runtime(settings_for(database_url))
    try:
        assert runtime.measure_third_free_times() == 2
    finally:
        runtime.engine.dispose()
    assert measured(session)[("02.03", "testila", "kela")] == 2


def test_the_figures_take_the_median_over_the_days_measured(session, world, clock):
    # Kela: Monday 2, Tuesday 1, Wednesday (after 10.00) 7 days ahead.
    # Vero: none, 1, none — most days had not three, so no median.
    for _day in range(3):
        measure_third_free_times(session, now=clock.now)
        clock.move(days=1)
    session.commit()
    figures = council_figures(session, Scope("2026-03", "2026-03"))
    table = {row.key: {k: v.text() for k, v in row.figures.items()} for row in figures.third_free}
    assert table == {
        ("testila", "kela"): {"median_third_free_days": "2", "latest_third_free_days": "7"},
        ("testila", "vero"): {"median_third_free_days": "", "latest_third_free_days": ""},
    }
    assert (
        Scope("2026-04", "2026-04")
        and not council_figures(session, Scope("2026-04", "2026-04")).third_free
    )


@pytest.fixture
def council(app, session, world):
    account = add_account(session, "council", Role.COUNCIL)
    client = app.test_client()
    assert sign_in(client, account).status_code == 302
    return client


def test_the_csv_and_the_page_show_the_measure(council, session, clock):
    measure_third_free_times(session, now=clock.now)
    session.commit()
    rows = list(csv.DictReader(io.StringIO(council.get(EXPORT).get_data(as_text=True))))
    by_agency = {row["agency"]: row["median_third_free_days"] for row in rows}
    assert by_agency == {"kela": "2", "vero": ""}
    page = council.get("/figures/?from=2026-03&to=2026-03&lang=en").get_data(as_text=True)
    table = page[page.index('id="third-free-table"') :]
    table = table[: table.index("</table>")]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in table.split("<tr>")[2:]]
    assert rows == ["Testila service point, Kela 2 2", "Testila service point, Vero – –"]
    assert 'id="third-free-chart"' in page


def test_the_page_says_when_nothing_was_measured(council):
    page = council.get("/figures/?from=2026-03&to=2026-03&lang=en").get_data(as_text=True)
    assert 'id="third-free-none"' in page
