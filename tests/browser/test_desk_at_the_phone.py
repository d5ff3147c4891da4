"""The advisor on the phone and the expert at her day, in Chromium, in Finnish, at phone
width and at desktop width, audited with axe-core.

The advisor must choose a service (nothing is chosen for her), lands on the error
summary when she forgets, pages to later times, double-clicks "Book this time" and
still sees one booking, reads out the summary with the point's address, sees the
messages in words, and cancels only after a page that asks.  Check-in is offered from
an hour before the start.  The expert picks a day with a date field, sees who is
waiting now and since when, and copies her feed address.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from booking.data.enums import AppointmentStatus
from booking.data.models import Appointment
from tests.browser.test_staff_journey import DESKTOP, assert_accessible, sign_in
from tests.factories import NOW

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}
WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "desktop"])


SEND_THE_FORM_INTO_A_FRAME = """() => {
  const form = document.querySelector("form[action$='/desk/book/confirm']");
  const frame = document.createElement("iframe");
  frame.name = "second-submission";
  frame.hidden = true;
  document.body.append(frame);
  const copy = form.cloneNode(true);
  copy.target = "second-submission";
  copy.hidden = true;
  document.body.append(copy);
  copy.submit();
}"""


def fits(page, viewport) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width} px wide"


@WIDTHS
def test_the_advisor_books_for_a_caller_without_a_stumble(
    new_page, live_server, live_factory, accounts, viewport
):
    audited: list[str] = []
    advisor = new_page(viewport=viewport)
    confirmations: list[str] = []
    advisor.on(
        "request",
        lambda r: confirmations.append(r.url) if r.url.endswith("/desk/book/confirm") else None,
    )
    sign_in(advisor, live_server.url, accounts["advisor"].email)
    advisor.goto(f"{live_server.url}/desk/book")
    service = advisor.locator("#service_id")
    assert service.locator("option").first.inner_text() == "Valitse palvelu"
    assert service.input_value() == ""  # nothing chosen for her
    assert advisor.get_by_label("Päivä").input_value() == ""
    advisor.get_by_label("Puhelinnumero").fill("040 123 4567")
    advisor.get_by_label("Nimi").fill("Aino Asiakas")
    advisor.get_by_role("button", name="Näytä vapaat ajat").click()
    assert advisor.locator("#error-summary").inner_text().count("Valitse palvelu.") == 1
    expect(advisor.locator("#error-summary")).to_be_focused()
    assert_accessible(advisor, audited)
    fits(advisor, viewport)

    advisor.locator("#service_id").select_option("kela-benefits")
    advisor.get_by_role("button", name="Näytä vapaat ajat").click()  # the day left empty
    expect(advisor.locator("h1")).to_have_text("Valitse aika")
    first = advisor.locator("input[name=starts_at]").evaluate_all("xs => xs.map(x => x.value)")
    assert len(first) == 8
    advisor.get_by_role("button", name="Myöhemmät ajat").click()
    later = advisor.locator("input[name=starts_at]").evaluate_all("xs => xs.map(x => x.value)")
    assert len(later) == 8 and min(later) > max(first)
    assert_accessible(advisor, audited)
    fits(advisor, viewport)

    # A double click that reaches the server twice: the same form sent into a frame
    # (Chromium itself sends a real double click's second submission only sometimes).
    advisor.evaluate(SEND_THE_FORM_INTO_A_FRAME)
    advisor.get_by_role("button", name="Varaa tämä aika").click()
    advisor.wait_for_url("**/desk/appointments/*")
    text = advisor.locator("main").inner_text()
    assert "Varattu. Varaustunnus" in text and "juuri varattu" not in text
    session = live_factory.session
    assert session.scalar(select(func.count()).select_from(Appointment)) == 1
    session.commit()
    assert len(confirmations) == 2, confirmations

    assert "Kirkkotie 1, 40100 TESTILA" in text
    assert "Pyydä ottamaan mukaan kuvallinen henkilöllisyystodistus." in text
    read_out = advisor.locator(".read-out").inner_text()
    assert "Mitä ottaa mukaan" in read_out and "Varaustunnus" in read_out
    assert "Tekstiviesti, varausvahvistus: odottaa" in text
    assert_accessible(advisor, audited)
    fits(advisor, viewport)

    advisor.get_by_role("link", name="Peru aika…").click()
    expect(advisor.locator("h1")).to_contain_text("Perutaanko aika?")
    assert_accessible(advisor, audited)
    fits(advisor, viewport)
    advisor.get_by_role("button", name="Kyllä, peru aika").click()
    expect(advisor.locator("main")).to_contain_text("Peruttu")
    assert live_server.errors == []
    assert len(audited) == 4


def test_without_javascript_the_error_summary_still_takes_the_focus(
    new_page, live_server, accounts
):
    advisor = new_page(viewport=PHONE, javascript=False)
    sign_in(advisor, live_server.url, accounts["advisor"].email)
    advisor.goto(f"{live_server.url}/desk/book")
    advisor.get_by_role("button", name="Seuraava vapaa aika nyt").click()
    summary = advisor.locator("#error-summary")
    assert "Nimi: Kirjoita asiakkaan nimi." in summary.inner_text()
    summary.get_by_role("link", name="Palvelu: Valitse palvelu.").wait_for()
    # autofocus lands at the page's next rendering step, not at load: wait for it
    expect(summary).to_be_focused()
    advisor.keyboard.press("Tab")  # from the focused summary, on to its first link
    expect(advisor.locator("#error-summary a:focus")).to_have_count(1)


@WIDTHS
def test_check_in_is_offered_from_an_hour_before_and_says_what_it_does(
    new_page, live_server, live_factory, live_region, accounts, viewport
):
    for hour, name in ((10, "Aino Aikainen"), (13, "Pekka Myöhäinen")):
        live_factory.appointment(
            point=live_region["point"],
            service=live_region["service"],
            starts_at=NOW.replace(hour=hour - 2, minute=30),  # 10.30 and 13.30 Helsinki
            name=name,
        )
    advisor = new_page(viewport=viewport)
    sign_in(advisor, live_server.url, accounts["advisor"].email)
    soon = advisor.locator("tr", has_text="Aino Aikainen")
    later = advisor.locator("tr", has_text="Pekka Myöhäinen")
    expect(soon.get_by_role("button", name="Merkitse saapuneeksi")).to_have_count(1)
    expect(later.get_by_role("button", name="Merkitse saapuneeksi")).to_have_count(0)
    assert_accessible(advisor, [])
    fits(advisor, viewport)
    soon.get_by_role("button", name="Merkitse saapuneeksi").click()
    expect(advisor.locator("body")).to_contain_text("Ilmoittautuminen tehty")


@WIDTHS
def test_the_expert_sees_who_waits_now_picks_a_day_and_copies_her_feed(
    new_page, live_server, live_factory, live_region, accounts, viewport
):
    live_factory.appointment(
        point=live_region["point"],
        service=live_region["service"],
        starts_at=NOW,
        name="Aino Asiakas",
        status=AppointmentStatus.ARRIVED,
        checked_in_at=NOW - timedelta(minutes=8),
    )
    expert = new_page(viewport=viewport)
    expert.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(expert, live_server.url, accounts["expert"].email)
    row = expert.locator("tr", has_text="Aino")
    expect(row.locator("[data-waiting]")).to_be_visible()
    assert row.locator("[data-waiting]").inner_text() == "Odottaa nyt"
    assert "Saapui klo 9.52 · odottanut 8 min" in row.inner_text()
    assert_accessible(expert, [])
    fits(expert, viewport)

    expert.get_by_label("Päivä", exact=True).fill("2026-03-04")
    expert.get_by_role("button", name="Näytä").click()
    assert "day=2026-03-04" in expert.url
    expect(expert.locator("h1")).to_contain_text("4. maaliskuuta 2026")

    expert.goto(f"{live_server.url}/expert/feed")
    expert.get_by_role("button", name="Tee syötteen osoite").click()
    address = expert.locator("#feed-url").input_value()
    expert.get_by_role("button", name="Kopioi osoite").click()
    expert.locator("#copy-status", has_text="Kopioitu").wait_for()
    assert expert.evaluate("navigator.clipboard.readText()") == address
    assert_accessible(expert, [])
    fits(expert, viewport)
    assert live_server.errors == []


def test_without_javascript_the_feed_address_is_a_field_to_select(new_page, live_server, accounts):
    expert = new_page(viewport=PHONE, javascript=False)
    sign_in(expert, live_server.url, accounts["expert"].email)
    expert.goto(f"{live_server.url}/expert/feed")
    expert.get_by_role("button", name="Tee syötteen osoite").click()
    assert "/feeds/" in expert.locator("#feed-url").input_value()
    assert expert.locator("#feed-url").get_attribute("readonly") is not None
    expect(expert.get_by_role("button", name="Kopioi osoite")).to_be_hidden()
    expert.goto(f"{live_server.url}/expert/")
    expert.get_by_label("Päivä", exact=True).fill("2026-03-03")
    expert.get_by_role("button", name="Näytä").click()
    assert "day=2026-03-03" in expert.url
