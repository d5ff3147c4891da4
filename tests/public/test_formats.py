"""Clock times and phone numbers are written one way in each language on every page.

Finnish and Swedish write "9.00" and "14.30", English "9:00" and "14:30"; a span
takes an en dash ("9.00–11.30").  Numbers are read in the national form
("014 000 0101") and dialled from ``tel:`` links in E.164 ("tel:+358140000101").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

from booking.web.phone_display import phone_for_people, phone_uri
from tests.public.booking_steps import book_token, details
from tests.shown_times import SEPARATOR, clock_times, shown_text, wrongly_written_times

EARLY = "2026-03-03T09:00+02:00"  # a time before ten, where a leading zero would show


@pytest.fixture
def walked_pages(client, factory, region, clock):
    """Every page of the citizen's journey that shows a time, in each language."""
    factory.closure("testila", date(2026, 3, 4), starts=time(9), ends=time(11, 30))
    factory.closure("testila", date(2026, 3, 5), starts=time(14))
    token = book_token(client, start=EARLY)
    factory.appointment(
        point=region["point"],
        service=region["service"],
        starts_at=datetime(2026, 3, 3, 8, 30, tzinfo=UTC),  # 10.30, taken by someone else
    )
    point = region["point"]  # on the map, for the front page's finder
    point.latitude, point.longitude = 62.24, 25.72
    point.municipality.latitude, point.municipality.longitude = 62.24, 25.72
    point.municipality.postal_codes = "40100"
    factory.session.commit()
    client.application.config["BOOKING_VERIFY_PHONE"] = True  # a hold, the code by e-mail
    held = client.post(
        "/book/confirm",
        data=details(phone="", email="ann@example.com", start="2026-03-04T13:00+02:00"),
    )
    client.application.config["BOOKING_VERIFY_PHONE"] = False
    code_url = held.headers["Location"]

    def walk(language: str) -> dict[str, str]:
        def get(url: str) -> str:
            answer = client.get(url + ("&" if "?" in url else "?") + f"lang={language}")
            assert answer.status_code == 200, url
            return answer.get_data(as_text=True)

        sent = client.post(
            f"/book/details?lang={language}", data=details(start="2026-03-03T12:00+02:00")
        )
        taken = client.post(
            f"/book/confirm?lang={language}",
            data=details(start="2026-03-03T10:30+02:00", phone="050 765 4321"),
        )
        assert taken.status_code == 409
        return {
            "nearest": get("/nearest?where=40100&agency=kela"),
            "code": get(code_url),
            "point": get("/points/testila"),
            "day": get("/book/testila/kela-benefits/2026-03-03"),
            "details": get(
                "/book/details?point=testila&service=kela-benefits&start=2026-03-03T13:00%2B02:00"
            ),
            "review": get(sent.headers["Location"]),
            "just taken": taken.get_data(as_text=True),
            "confirmed": get(f"/manage/{token}/confirmed"),
            "manage": get(f"/manage/{token}"),
            "move day": get(f"/manage/{token}/move"),
            "move time": get(f"/manage/{token}/move/2026-03-06"),
            "move confirm": get(f"/manage/{token}/move/confirm?start=2026-03-06T09:00%2B02:00"),
            "cancel": get(f"/manage/{token}/cancel"),
        }

    return walk


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_time_on_the_citizens_pages_is_written_the_languages_way(walked_pages, language):
    for page, html in walked_pages(language).items():
        found = clock_times(html)
        assert found, f"{page}: no clock time shown"
        for hour, separator, minutes in found:
            written = f"{hour}{separator}{minutes}"
            assert separator == SEPARATOR[language], f"{page} ({language}): {written}"
            assert not (len(hour) == 2 and hour.startswith("0")), f"{page}: {written}"
        assert wrongly_written_times(html, language) == [], page  # "klo", "kl." or "at" too


def test_spans_take_an_en_dash_and_finnish_says_klo(walked_pages):
    pages = walked_pages("fi")
    assert "9.00–11.30" in pages["point"]  # the closure of part of a day
    assert "klo 9.00–9.30" in shown_text(pages["manage"])
    # The alternatives of a time just taken say the day and "klo" like everything else.
    alternatives = re.findall(r'name="alternative"[^>]*>([^<]+)<', pages["just taken"])
    assert alternatives and all(" klo " in text for text in alternatives)
    assert "ma 2.3. klo 11.00" in shown_text(pages["nearest"])  # the earliest free time
    assert "klo 10.10 asti" in shown_text(pages["code"])  # the hold's end
    assert "keskiviikko 4. maaliskuuta 2026 klo 13.00" in shown_text(pages["code"])
    english = walked_pages("en")
    assert "at 9:00–9:30" in shown_text(english["manage"])
    assert "Mon, Mar 2 at 11:00" in shown_text(english["nearest"])


@pytest.mark.parametrize(
    ("stored", "shown", "dialled"),
    [
        ("+358401234567", "040 123 4567", "tel:+358401234567"),
        ("+358 14 000 0101", "014 000 0101", "tel:+358140000101"),
        ("+35891234567", "09 123 4567", "tel:+35891234567"),
        ("+358501234", "050 1234", "tel:+358501234"),
        ("+46812345678", "+46 8 123 456 78", "tel:+46812345678"),
        ("not a number", "not a number", "tel:"),
    ],
)
def test_phone_numbers_are_shown_nationally_and_dialled_in_e164(stored, shown, dialled):
    assert phone_for_people(stored) == shown
    assert phone_uri(stored) == dialled


def test_the_manage_page_links_the_points_number_without_spaces(client, factory, clock):
    factory.point(phone="+358 14 000 0101")
    factory.service()
    factory.expert("kela-anna")
    token = book_token(client)
    html = client.get(f"/manage/{token}?lang=en").get_data(as_text=True)
    assert '<a href="tel:+358140000101">014 000 0101</a>' in html
    confirmation = client.get(f"/manage/{token}/confirmed?lang=en").get_data(as_text=True)
    assert "040 123 4567" in confirmation  # the citizen's own number, grouped alike
