"""An administrator changes a point's weekly hours, one day's hours, its rooms and the
services it offers, through the pages.

Each change that hits booked appointments first lists them with their fates and
saves nothing; confirmed, it is saved, the appointments get their fates and the
free times change at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from booking.data.availability import free_times
from booking.data.enums import AppointmentStatus
from booking.data.models import Closure, Offering, OpeningHours, OutboxMessage, Room
from tests.factories import NOW
from tests.staff.conftest import csrf_token_of, fresh
from tests.staff.test_admin_calendar import post_form

#: Tuesday 3.3.2026 13:00 Helsinki.
TUESDAY_ONE_PM = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
TUESDAY = date(2026, 3, 3)
USUAL = {f"hours_{day}": "9.00–15.00" if day < 5 else "" for day in range(7)}


def tuesday_starts(session, point_id="testila", service_id="kela-benefits"):
    starts = free_times(session, point_id, service_id, TUESDAY, TUESDAY, NOW)
    session.commit()
    return starts


def hours_of(session, point_id: str, weekday: int) -> list[tuple[time, time]]:
    rows = session.execute(
        select(OpeningHours.opens, OpeningHours.closes)
        .where(OpeningHours.point_id == point_id, OpeningHours.weekday == weekday)
        .order_by(OpeningHours.opens)
    ).all()
    session.commit()
    return [tuple(row) for row in rows]


def test_the_weekly_hours_page_shows_each_day_s_hours_in_finnish(staff_world, signed_in):
    page = signed_in("admin").get("/admin/points/testila/hours").get_data(as_text=True)
    assert "Maanantai" in page and "Sunnuntai" in page
    assert 'value="9.00–15.00"' in page


def test_shorter_hours_show_the_fates_then_cancel_and_the_free_times_follow(
    staff_world, factory, signed_in, session
):
    late = factory.appointment(
        point=staff_world.point_a, service=staff_world.kela, starts_at=TUESDAY_ONE_PM
    )
    assert any(start >= TUESDAY_ONE_PM for start in tuesday_starts(session))
    admin = signed_in("admin")
    path = "/admin/points/testila/hours"
    form = {**USUAL, "hours_1": "9.00–11.30, 12-12.45"}

    preview = post_form(admin, path, form).get_data(as_text=True)
    assert late.reference in preview and 'class="fate-cancelled"' in preview
    assert hours_of(session, "testila", 1) == [(time(9), time(15))]  # nothing saved yet

    done = post_form(admin, path, {**form, "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(path)
    assert hours_of(session, "testila", 1) == [
        (time(9), time(11, 30)),
        (time(12), time(12, 45)),
    ]
    assert fresh(session, late).status is AppointmentStatus.CANCELLED
    starts = tuesday_starts(session)
    assert starts and all(start < datetime(2026, 3, 3, 10, 45, tzinfo=UTC) for start in starts)
    assert "12.00–12.45" in admin.get(path).get_data(as_text=True)


def test_unreadable_hours_are_named_and_change_nothing(staff_world, signed_in, session):
    admin = signed_in("admin")
    path = "/admin/points/testila/hours"
    for bad in ("9-25", "kello yhdeksän", "12-9", "9-12, 11-14"):
        answer = post_form(admin, path, {**USUAL, "hours_2": bad})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and 'class="error-summary"' in page, bad
        assert 'href="#hours_2"' in page
    assert hours_of(session, "testila", 2) == [(time(9), time(15))]


def test_special_hours_close_the_rest_of_the_day_with_the_reason(
    staff_world, factory, signed_in, session
):
    late = factory.appointment(
        point=staff_world.point_a, service=staff_world.kela, starts_at=TUESDAY_ONE_PM
    )
    admin = signed_in("admin")
    path = "/admin/points/testila/special-hours"
    form = {"day": "2026-03-03", "opens": "10:00", "closes": "12:00", "reason": "Koulutus"}
    preview = admin.post(path, data={**form, "csrf_token": _token(admin)})
    page = preview.get_data(as_text=True)
    assert late.reference in page and 'class="fate-cancelled"' in page
    assert session.scalar(select(Closure.id)) is None
    session.commit()

    done = admin.post(path, data={**form, "confirm": "yes", "csrf_token": _token(admin)})
    assert done.status_code == 302
    closures = session.execute(select(Closure.starts, Closure.ends, Closure.reason)).all()
    session.commit()
    assert sorted(closures) == [
        (time(9), time(10), "Koulutus"),
        (time(12), time(15), "Koulutus"),
    ]
    assert fresh(session, late).status is AppointmentStatus.CANCELLED


def test_special_hours_cannot_open_longer_than_the_week_s(staff_world, signed_in, session):
    admin = signed_in("admin")
    form = {"day": "2026-03-03", "opens": "8:00", "closes": "12:00", "reason": "x"}
    answer = admin.post(
        "/admin/points/testila/special-hours", data={**form, "csrf_token": _token(admin)}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'class="error-summary"' in page
    assert "Poikkeavat aukioloajat voivat vain lyhentää" in page
    assert session.scalar(select(Closure.id)) is None
    session.commit()


def test_rooms_are_added_renamed_and_removed_with_the_calls_kept_in_another(
    staff_world, factory, signed_in, session
):
    call = factory.appointment(
        point=staff_world.point_a, service=staff_world.kela, starts_at=TUESDAY_ONE_PM
    )
    first = staff_world.point_a.rooms[0]
    admin = signed_in("admin")
    rooms = "/admin/points/testila/rooms"
    assert post_form(admin, rooms, {"name": "Etähuone 2"}).status_code == 302
    twin = post_form(admin, rooms, {"name": "etähuone 2"}).get_data(as_text=True)
    assert "Asiointipisteessä on jo tämänniminen huone." in twin
    added = session.scalar(select(Room).where(Room.name == "Etähuone 2"))
    session.commit()
    assert added.key == "etahuone-2"

    room_path = f"{rooms}/{added.id}"
    assert post_form(admin, room_path, {"name": "Kirjasto"}).status_code == 302
    assert fresh(session, added).name == "Kirjasto"
    assert "Kirjasto" in admin.get(rooms).get_data(as_text=True)

    remove = f"{rooms}/{first.id}/remove"
    token = _token(admin, f"{rooms}/{first.id}")
    page = admin.post(remove, data={"csrf_token": token}).get_data(as_text=True)
    assert call.reference in page and 'class="fate-kept"' in page and "Kirjasto" in page
    assert fresh(session, first).active
    assert admin.post(remove, data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    assert not fresh(session, first).active
    kept = fresh(session, call)
    assert (kept.status, kept.room_id, kept.starts_at) == (
        AppointmentStatus.BOOKED,
        added.id,
        TUESDAY_ONE_PM,
    )
    told = session.scalars(
        select(OutboxMessage).where(OutboxMessage.appointment_id == call.id)
    ).all()
    session.commit()
    assert told, "the citizen is told the room's new name"
    assert admin.get(f"{rooms}/{first.id}").status_code == 404


def test_the_matrix_shows_the_offerings_and_a_withdrawal_cancels_after_confirming(
    staff_world, signed_in, session
):
    admin = signed_in("admin")
    matrix = admin.get("/admin/offerings").get_data(as_text=True)
    assert matrix.count("✓") == 4 and "Testilä" in matrix and "Toinen" in matrix
    path = "/admin/points/testila/offerings/kela-benefits"
    preview = post_form(admin, path, {"offered": "withdraw"}).get_data(as_text=True)
    assert staff_world.kela_at_a.reference in preview and 'class="fate-cancelled"' in preview
    assert session.get(Offering, ("testila", "kela-benefits")) is not None
    session.commit()

    assert post_form(admin, path, {"offered": "withdraw", "confirm": "yes"}).status_code == 302
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.CANCELLED
    assert fresh(session, staff_world.kela_at_b).status is AppointmentStatus.BOOKED
    assert tuesday_starts(session) == []
    assert admin.get("/admin/offerings").get_data(as_text=True).count("✓") == 3

    assert post_form(admin, path, {"offered": "offer"}).status_code == 302
    assert tuesday_starts(session) != []


def test_an_admin_limited_to_a_point_sees_only_its_row_of_the_matrix(staff_world, signed_in):
    matrix = signed_in("admin_b").get("/admin/offerings").get_data(as_text=True)
    assert "Toinen" in matrix and "Testilä" not in matrix


def _token(client, path="/admin/points/testila/hours") -> str:
    return csrf_token_of(client.get(path).get_data(as_text=True))
