"""The council's figures over a fixed data set: exact, protected, and unchanged by the purge.

The expected CSV was worked out by hand from the data set (tests/figures/world.py):
a count from 1 to 4 is ``<5``; ``x`` marks a count that would give a small one
away — e.g. Testilä's Kela February row has 7 booked, 5 online and 2 at the
desk, so its booked count would reveal the desk's 2.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from booking.appointments.outcome_facts import record_fact
from booking.data.appointment_facts import AppointmentFact
from booking.data.enums import Role
from booking.data.figures_models import FactMonthTotals, SummarizedMonth
from booking.data.models import Appointment
from booking.figures.csv_export import figures_csv
from booking.figures.month_totals import summarize_months_over
from booking.figures.report import council_figures
from booking.figures.scope import Scope
from scheduler.retention import purge_personal_data
from tests.figures.world import build_figures_world
from tests.staff.conftest import add_account, sign_in

EXPORT = "/figures/export.csv?from=2026-02&to=2026-03"
MONTH_COLUMNS = (
    "booked",
    "done",
    "no_show",
    "cancelled",
    "cancelled_late",
    "failed",
    "online",
    "desk",
    "interpreter",
    "median_lead_days",
    "median_waiting_minutes",
    "median_call_minutes",
)
POINT_COLUMNS = (
    "booked",
    "held",
    "used",
    "room_hours_open",
    "room_hours_booked",
    "room_hours_used",
    "room_use_share",
)

EXPECTED_CSV = """\
month,municipality,point,agency,service,booked,done,no_show,cancelled,cancelled_late,online,desk,interpreter,median_lead_days,room_hours_open,room_hours_booked,room_hours_used,technical_failure,median_third_free_days
2026-02,testila,testila,kela,kela-benefits,x,<5,<5,<5,<5,5,<5,<5,16,120.0,2.5,x,<5,
2026-02,testila,testila,vero,vero-advice,<5,<5,<5,0,0,<5,<5,0,,120.0,x,x,0,
2026-02,toinen,toinen,kela,kela-benefits,0,0,0,0,0,0,0,0,,240.0,0.0,0.0,0,
2026-02,toinen,toinen,vero,vero-advice,0,0,0,0,0,0,0,0,,240.0,0.0,0.0,0,
2026-03,testila,testila,kela,kela-benefits,0,0,0,0,0,0,0,0,,132.0,0.0,0.0,0,
2026-03,testila,testila,vero,vero-advice,0,0,0,0,0,0,0,0,,132.0,0.0,0.0,0,
2026-03,toinen,toinen,kela,kela-benefits,x,<5,0,0,0,<5,<5,0,12,264.0,x,x,0,
2026-03,toinen,toinen,vero,vero-advice,0,0,0,0,0,0,0,0,,264.0,0.0,0.0,0,
"""


@pytest.fixture
def world(factory, clock):
    return build_figures_world(factory)


@pytest.fixture
def council(app, session, world):
    account = add_account(session, "council", Role.COUNCIL)
    client = app.test_client()
    assert sign_in(client, account).headers["Location"].endswith("/figures/")
    return client


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_same_cells(got: str, expected: str) -> None:
    got_rows, expected_rows = cells(got), cells(expected)
    header = expected_rows[0]
    assert got_rows[0] == header
    assert len(got_rows) == len(expected_rows)
    for got_row, expected_row in zip(got_rows[1:], expected_rows[1:], strict=True):
        for column, got_cell, expected_cell in zip(header, got_row, expected_row, strict=True):
            assert got_cell == expected_cell, (expected_row[:5], column)


def test_the_csv_holds_exactly_the_expected_figures(council):
    answer = council.get(EXPORT)
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert 'filename="figures-2026-02-2026-03.csv"' in answer.headers["Content-Disposition"]
    assert_same_cells(answer.get_data(as_text=True), EXPECTED_CSV)


def test_the_retention_purge_leaves_the_figures_exactly_as_they_were(council, session, world):
    before_csv = council.get(EXPORT).get_data(as_text=True)
    before_page = council.get("/figures/?from=2026-02&to=2026-03").get_data(as_text=True)
    facts_before = session.execute(select(AppointmentFact).order_by(AppointmentFact.id)).all()
    session.commit()

    erased = purge_personal_data(
        session, now=world["last_end"] + timedelta(days=91), retention_days=90
    )
    session.commit()

    assert erased == 14
    assert session.scalar(select(func.count()).where(Appointment.fact_id.is_not(None))) == 0
    assert session.scalar(select(func.count()).select_from(AppointmentFact)) == 14
    session.commit()
    assert council.get(EXPORT).get_data(as_text=True) == before_csv
    assert council.get("/figures/?from=2026-02&to=2026-03").get_data(as_text=True) == before_page
    assert len(facts_before) == 14
    assert_same_cells(before_csv, EXPECTED_CSV)


def test_the_page_shows_the_protected_totals_and_medians(council):
    page = council.get("/figures/?from=2026-02&to=2026-03").get_data(as_text=True)
    summary = page[page.index('class="facts figures-summary"') :]
    summary = summary[: summary.index("</dl>")]
    expected = {
        "Varattu": "14",
        "Valmis": "8",
        "Ei saapunut": "&lt;5",
        "Peruttu": "&lt;5",
        "Tekninen vika": "&lt;5",
        "Varattu etukäteen, mediaani (vrk)": "14",
        "Odotus, mediaani (min)": "1",
        "Puhelun kesto, mediaani (min)": "25",
        "Varattu verkossa": "9 (64.3 %)",
        "Varattu palvelupisteessä": "5 (35.7 %)",
    }
    for label, value in expected.items():
        assert f"<dt>{label}</dt><dd>{value}" in summary, label
    assert "Maija" not in page and "+35840" not in page


def test_no_personal_data_in_facts(session, world):
    columns = set(AppointmentFact.__table__.columns.keys())
    assert columns.isdisjoint({"name", "phone", "email", "topic", "reference", "appointment_id"})
    assert "Maija" not in repr(session.execute(select(AppointmentFact)).all())


def test_the_page_tables_by_month_and_by_point(session, world):
    figures = council_figures(session, Scope("2026-02", "2026-03"))
    months = {row.key[0]: {k: v.text() for k, v in row.figures.items()} for row in figures.months}
    # February: 9 booked, of which 6 online — but Vero's single online booking is
    # hidden, so the month's online count would reveal it.
    assert [months["2026-02"][k] for k in MONTH_COLUMNS] == [
        "x", "<5", "<5", "<5", "<5", "<5", "x", "<5", "<5", "15", "", "",
    ]  # fmt: skip
    assert [months["2026-03"][k] for k in MONTH_COLUMNS] == [
        "x", "<5", "0", "0", "0", "0", "<5", "<5", "0", "12", "", "",
    ]  # fmt: skip
    points = {row.key[1]: {k: v.text() for k, v in row.figures.items()} for row in figures.points}
    # Testilä: 111 minutes of calls and done appointments in 252 open hours.
    assert [points["testila"][k] for k in POINT_COLUMNS] == [
        "9",
        "x",
        "5",
        "252.0",
        "x",
        "1.9",
        "0.7",
    ]
    assert [points["toinen"][k] for k in POINT_COLUMNS] == ["x", "x", "<5", "504.0", "x", "x", ""]
    languages = [figures.total[f"language_{code}"].text() for code in ("fi", "sv", "en")]
    assert languages == ["11", "<5", "<5"]
    assert figures.total["language_fi_share"].text() == "78.6"


def test_a_month_that_is_over_reads_the_same_from_its_totals(council, session, world, clock):
    clock.set(datetime(2026, 4, 1, 6, 0, tzinfo=UTC))  # 1.4. 9.00 Helsinki: March is over too
    assert summarize_months_over(session, now=clock.now) == 2
    session.commit()
    assert summarize_months_over(session, now=clock.now) == 0
    assert session.scalar(select(func.count()).select_from(FactMonthTotals)) > 0
    # Summarized, the months read no fact: emptied, the figures would be zeros.
    session.execute(delete(AppointmentFact))
    figures = figures_csv(council_figures(session, Scope("2026-02", "2026-03")))
    session.rollback()
    assert_same_cells(figures, EXPECTED_CSV)


def test_writing_a_fact_of_a_summarized_month_counts_it_from_its_facts_again(session, world, clock):
    clock.set(datetime(2026, 4, 1, 6, 0, tzinfo=UTC))
    summarize_months_over(session, now=clock.now)
    session.commit()
    february = session.scalars(
        select(Appointment).where(Appointment.starts_at < datetime(2026, 3, 1, tzinfo=UTC))
    ).first()
    record_fact(session, february)
    session.commit()
    assert session.scalars(select(SummarizedMonth.month)).all() == ["2026-03"]
    assert_same_cells(
        figures_csv(council_figures(session, Scope("2026-02", "2026-03"))), EXPECTED_CSV
    )
