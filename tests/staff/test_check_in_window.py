"""Check-in opens ``BOOKING_CHECK_IN_MINUTES`` (60) before the start: the desk shows the
button exactly when the app accepts it, on both sides of the window's edge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.data.enums import AppointmentStatus
from tests.staff.conftest import fresh


def desk_pages(client, appointment) -> dict[str, str]:
    return {
        "day": client.get("/desk/testila?day=2026-03-02").get_data(as_text=True),
        "appointment": client.get(f"/desk/appointments/{appointment.id}").get_data(as_text=True),
    }


def offers_check_in(html: str, appointment) -> bool:
    return f'action="/desk/appointments/{appointment.id}/check-in"' in html


@pytest.fixture
def desk_at(app, staff_world, signed_in, clock):
    """``desk_at(minutes, window)``: the desk of point A, ``minutes`` before Kela's 11.00
    call, with the check-in window set to ``window`` minutes (None: the default)."""

    def at(minutes_before: int, window: int | None):
        if window is not None:
            app.config["BOOKING_CHECK_IN_MINUTES"] = window
        clock.set(staff_world.kela_at_a.starts_at - timedelta(minutes=minutes_before))
        return signed_in("advisor_a")  # signed in after the jump (see the clock fixture)

    return at


@pytest.mark.parametrize(("window", "minutes"), [(None, 60), (30, 30), (0, 0)])
def test_at_the_windows_opening_the_button_is_shown_and_check_in_is_taken(
    desk_at, staff_world, session, window, minutes
):
    client = desk_at(minutes, window)
    appointment = staff_world.kela_at_a
    for page, html in desk_pages(client, appointment).items():
        assert offers_check_in(html, appointment), page
    answer = client.post(f"/desk/appointments/{appointment.id}/check-in?lang=en")
    assert answer.status_code == 302
    assert fresh(session, appointment).status is AppointmentStatus.ARRIVED


@pytest.mark.parametrize(("window", "minutes"), [(None, 60), (30, 30), (0, 0)])
def test_a_minute_before_the_window_opens_no_button_is_shown_and_check_in_is_refused(
    desk_at, staff_world, session, window, minutes
):
    client = desk_at(minutes + 1, window)
    appointment = staff_world.kela_at_a
    for page, html in desk_pages(client, appointment).items():
        assert not offers_check_in(html, appointment), page
    answer = client.post(f"/desk/appointments/{appointment.id}/check-in?lang=en")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Check-in opens {minutes} minutes before the appointment starts." in page
    assert fresh(session, appointment).status is AppointmentStatus.BOOKED
