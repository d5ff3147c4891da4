"""One clock for the whole app: the instant a test stops time at is what every page reads.

The desk (staff), a point's page (citizens) and the free-times API read the
clock in different modules; none of them is named here, and all of them follow
``clock.set`` and ``clock.move``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from booking.data.enums import Role
from tests.staff.conftest import add_account, sign_in

#: Thursday 12.11.2026 08:00 Helsinki (UTC+2): the point opens at 9, with an hour's notice.
THURSDAY_EIGHT = datetime(2026, 11, 12, 6, 0, tzinfo=UTC)
DAY_FIELD = re.compile(r'<input type="date" id="day-field" name="day" value="([^"]+)">')
FREE_TIME = re.compile(r'<time datetime="[^"]+">([^<]+)</time>')


def desk_day(client) -> str:
    """The day the desk shows when no day is asked for: the point's today."""
    answer = client.get("/desk/testila")
    assert answer.status_code == 200
    match = DAY_FIELD.search(answer.get_data(as_text=True))
    assert match, "no day field on the desk"
    return match.group(1)


def first_free_time_on_the_point_page(client) -> str:
    answer = client.get("/points/testila?lang=en")
    assert answer.status_code == 200
    return FREE_TIME.findall(answer.get_data(as_text=True))[0]


def first_free_time_in_the_api(client) -> str:
    answer = client.get("/api/v1/points/testila/availability?service=kela-benefits")
    assert answer.status_code == 200
    return answer.get_json()["times"][0]


def test_staff_and_citizen_pages_and_the_api_show_the_stopped_day(client, factory, session, clock):
    region = factory.region()
    advisor = add_account(session, "advisor", Role.ADVISOR, points=[region["point"]])
    clock.set(THURSDAY_EIGHT)
    # Signed in after the jump: the session cookie carries the time it was made.
    assert sign_in(client, advisor).status_code == 302

    assert desk_day(client) == "2026-11-12"
    assert first_free_time_on_the_point_page(client) == "Thu, Nov 12 at 9:00"
    assert first_free_time_in_the_api(client) == "2026-11-12T09:00:00+02:00"

    clock.move(hours=4)  # 12:00: the first free time follows the hour's notice
    assert first_free_time_on_the_point_page(client) == "Thu, Nov 12 at 13:00"
    assert first_free_time_in_the_api(client) == "2026-11-12T13:00:00+02:00"

    clock.move(days=1)  # Friday noon; a day idle has ended the staff session
    assert sign_in(client, advisor).status_code == 302
    assert desk_day(client) == "2026-11-13"
    assert first_free_time_on_the_point_page(client) == "Fri, Nov 13 at 13:00"
    assert first_free_time_in_the_api(client) == "2026-11-13T13:00:00+02:00"
