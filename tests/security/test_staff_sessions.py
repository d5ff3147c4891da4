"""Staff sessions end for real: at sign-out (copies too), after 30 idle minutes, after 10 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.web.staff_sessions import IDLE_LIMIT, LIFETIME
from tests.factories import NOW

DESK = "/desk/testila"


@pytest.fixture
def session_clock(clock):
    """The one stopped clock, starting at ``NOW``; ``advance`` moves it."""
    clock.set(NOW)

    class SessionClock:
        @property
        def now(self):
            return clock.now

        def advance(self, by: timedelta) -> None:
            clock.set(clock.now + by)

    return SessionClock()


def session_cookie(client) -> str:
    cookie = client.get_cookie("session", domain="booking.test")
    assert cookie is not None
    return cookie.value


def desk_with_cookie(app, cookie: str) -> int:
    """The desk asked by another browser that holds a copy of ``cookie``."""
    other = app.test_client()
    other.set_cookie("session", cookie, domain="booking.test")
    return other.get(DESK).status_code


def is_sign_in(answer) -> bool:
    return answer.status_code == 302 and "/staff/sign-in" in answer.headers["Location"]


def test_a_copied_cookie_stops_working_at_sign_out(app, staff_world, signed_in, session_clock):
    client = signed_in("advisor_a")
    copied = session_cookie(client)
    assert desk_with_cookie(app, copied) == 200  # the copy works while the session lasts
    assert client.post("/staff/sign-out").status_code == 302
    assert desk_with_cookie(app, copied) == 302
    # Signing in again makes a new session; the old copy stays dead.
    again = signed_in("advisor_a")
    assert again.get(DESK).status_code == 200
    assert desk_with_cookie(app, copied) == 302


def test_idle_for_31_minutes_means_signing_in_again(app, staff_world, signed_in, session_clock):
    client = signed_in("advisor_a")
    session_clock.advance(timedelta(minutes=29))
    assert client.get(DESK).status_code == 200  # used in time: the idle clock starts again
    session_clock.advance(IDLE_LIMIT + timedelta(minutes=1))
    answer = client.get(DESK)
    assert is_sign_in(answer)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Istuntosi on päättynyt" in page
    assert client.get(DESK).status_code == 302  # and it stays ended


def test_no_session_lasts_more_than_ten_hours(app, staff_world, signed_in, session_clock):
    client = signed_in("advisor_a")
    step = timedelta(minutes=25)
    used_for = timedelta(0)
    while used_for + step <= LIFETIME:
        session_clock.advance(step)
        used_for += step
        assert client.get(DESK).status_code == 200, used_for
    session_clock.advance(LIFETIME - used_for + timedelta(minutes=1))
    assert is_sign_in(client.get(DESK))


def test_a_cookie_of_another_key_or_without_times_opens_nothing(app, staff_world, signed_in):
    client = signed_in("advisor_a")
    with client.session_transaction() as stored:
        del stored["seen_at"]
    assert is_sign_in(client.get(DESK))
