"""Every clock time on the staff's pages is written one way per language, as on the citizen's.

The walk covers the desk (the day, its printed sheet, an appointment with its
read-out summary and messages, the slip, search results, booking and moving),
the expert's day, week and calendar-feed pages with the live status, and the
administrators' pages that show times (opening hours, closures, an expert's
hours and absences, the audit log, the accessibility feedback, the figures).
"""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta

import pytest

from booking.data.models import Appointment, ExpertAbsence
from booking.region.calendar_changes import close_point
from tests.factories import NOW
from tests.shown_times import clock_times, page_language, shown_text, wrongly_written_times
from tests.staff.test_desk import book_in_two_submissions

#: Pages that show no clock time of their own (the walk still checks any they show).
WITHOUT_TIMES = {"expert feed", "figures"}
#: Pages in the citizen's language whatever the staff member reads: the printed slip.
IN_THE_CITIZENS_LANGUAGE = {"desk slip": "fi"}


@pytest.fixture
def staff_pages(signed_in, staff_world, factory, session, client):
    """The staff's pages in a lived-in morning: a citizen checked in and in her call, a
    caller booked at the desk (with messages), a closure, an absence and feedback."""
    desk, expert, admin = signed_in("advisor_a"), signed_in("expert_kela"), signed_in("admin")
    arrived = staff_world.kela_at_a  # 11.00, checked in at 10.00, her call started at 10.00
    assert desk.post(f"/desk/appointments/{arrived.id}/check-in").status_code == 302
    assert expert.post(f"/expert/appointments/{arrived.id}/start").status_code == 302
    assert book_in_two_submissions(desk).status_code == 302  # Tuesday 9.00
    booked = session.query(Appointment).filter_by(name="Aino Asiakas").one()
    session.commit()
    factory.closure("testila", date(2026, 3, 4), starts=time(9), ends=time(11, 30))
    # A closure (by the command line) hits Vero's 13.00 call: the audit log keeps both.
    close_point(
        session,
        "testila",
        date(2026, 3, 2),
        starts=time(13),
        ends=time(14),
        now=NOW,
        by_user_id=None,
    )
    session.add(
        ExpertAbsence(
            expert_id=staff_world.kela_expert.id,
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=2, minutes=30),
        )
    )
    session.commit()
    sent = client.post("/accessibility/feedback?lang=fi", data={"message": "Liian pieni teksti"})
    assert sent.status_code == 303

    def walk(language: str) -> dict[str, str]:
        def get(browser, url: str) -> str:
            answer = browser.get(url + ("&" if "?" in url else "?") + f"lang={language}")
            assert answer.status_code == 200, url
            return answer.get_data(as_text=True)

        def post(browser, url: str, data: dict[str, str], status: int = 200) -> str:
            answer = browser.post(f"{url}?lang={language}", data=data)
            assert answer.status_code == status, url
            return answer.get_data(as_text=True)

        status = json.loads(get(expert, "/expert/status.json?day=2026-03-02"))
        free_times = {
            "phone": "040 765 4321",
            "name": "Olli Soittaja",
            "point_id": "testila",
            "service_id": "kela-benefits",
            "day": "2026-03-03",
            "language": "fi",
        }
        return {
            "desk day": get(desk, "/desk/testila?day=2026-03-02"),
            "desk day sheet": get(desk, "/desk/testila/day-sheet?day=2026-03-02"),
            "desk appointment": get(desk, f"/desk/appointments/{arrived.id}"),
            "desk read-out": get(desk, f"/desk/appointments/{booked.id}"),
            "desk slip": get(desk, f"/desk/appointments/{booked.id}/slip"),
            "desk search": get(desk, "/desk/search?q=Aino"),
            "desk free times": post(desk, "/desk/book", free_times),
            "desk next free times": post(desk, "/desk/book", free_times | {"next_free": "1"}),
            "desk move": get(desk, f"/desk/appointments/{booked.id}/move?day=2026-03-03"),
            "desk cancel": get(desk, f"/desk/appointments/{booked.id}/cancel"),
            "expert day": get(expert, "/expert/?day=2026-03-02"),
            "expert week": get(expert, "/expert/week?day=2026-03-02"),
            "expert status": " ".join(item["arrival"] for item in status["appointments"]),
            "expert feed": get(expert, "/expert/feed"),
            "admin hours": get(admin, "/admin/points/testila/hours"),
            "admin hours refused": post(
                admin, "/admin/points/testila/hours", {"hours_0": "aamusta"}, status=200
            ),
            "admin closures": get(admin, "/admin/points/testila/closures"),
            "admin expert": get(admin, f"/admin/experts/{staff_world.kela_expert.id}"),
            "admin absences": get(admin, f"/admin/experts/{staff_world.kela_expert.id}/absences"),
            "admin audit": get(admin, "/admin/audit"),
            "admin audit of changes": get(admin, "/admin/audit?kind=change_region"),
            "admin audit of cancellations": get(admin, "/admin/audit?kind=cancel"),
            "admin feedback": get(admin, "/admin/feedback"),
            "figures": get(admin, "/figures/"),
        }

    return walk


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_time_on_the_staffs_pages_is_written_the_languages_way(staff_pages, language):
    for page, html in staff_pages(language).items():
        assert page in WITHOUT_TIMES or clock_times(html), f"{page}: no clock time shown"
        if page != "expert status":  # the live status's text, shown on the expert's day
            assert page_language(html) == IN_THE_CITIZENS_LANGUAGE.get(page, language), page
        assert wrongly_written_times(html, language) == [], f"{page} ({language})"


def test_staff_pages_write_days_and_times_as_the_citizens_pages_do(staff_pages):
    finnish, english = staff_pages("fi"), staff_pages("en")
    assert "ti 3.3.2026 klo 9.00" in shown_text(finnish["desk search"])
    assert "Tue, Mar 3, 2026 at 9:00" in shown_text(english["desk search"])
    assert "ma 2.3.2026 klo 10.00" in shown_text(finnish["desk read-out"])  # a message sent
    assert "klo 9.00–9.30" in shown_text(finnish["desk read-out"])
    assert "9:00–11:30" in shown_text(english["admin closures"])
    # The next free times name their day as every other day and time is named.
    assert re.search(
        r"\bma 2\.3\. klo \d{1,2}\.\d{2}\b", shown_text(finnish["desk next free times"])
    )
    assert re.search(
        r"\bMon, Mar 2 at \d{1,2}:\d{2}\b", shown_text(english["desk next free times"])
    )
    assert "8:00–12:00" in shown_text(english["admin hours"])  # the example in the hint
    # The audit log keeps a change's times in one neutral form and shows them the page's way.
    changes = shown_text(finnish["admin audit of changes"])
    assert "closure testila 2026-03-02 13.00-14.00" in changes
    assert "ma 2.3.2026 klo 13.00 testila" in shown_text(finnish["admin audit of cancellations"])
    assert "Mon, Mar 2, 2026 at 10:00:00" in shown_text(english["admin audit"])
