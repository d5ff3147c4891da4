"""The citizen's journey in a real browser: book, move and cancel through the pages.

Each page of the flow is audited with axe-core (WCAG 2.0/2.1 A and AA). One
journey is in English with the mouse, one in Finnish with the keyboard only,
one in Swedish without JavaScript.  As on the open internet, every booking
proves its mobile number: the code is read from the outbox, where it waits for
the scheduler to text it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.data.enums import MessageKind
from booking.data.models import OutboxMessage
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def numbers_proven(live_server):
    """Bookings hold their time until the texted code is typed (the default setting)."""
    live_server.app.config["BOOKING_VERIFY_PHONE"] = True
    yield
    live_server.app.config["BOOKING_VERIFY_PHONE"] = False


def texted_code(live_server, phone: str) -> str:
    """The latest code waiting in the outbox for ``phone`` (E.164)."""
    session = live_server.session()
    try:
        return session.scalars(
            select(OutboxMessage.one_time_code)
            .where(
                OutboxMessage.kind == MessageKind.VERIFICATION_CODE,
                OutboxMessage.recipient == phone,
            )
            .order_by(OutboxMessage.id.desc())
        ).first()
    finally:
        session.close()


def type_the_code(page, live_server, phone: str, label: str, button: str) -> None:
    page.get_by_label(label).fill(texted_code(live_server, phone))
    page.get_by_role("button", name=button).click()


def assert_accessible(page, audited: list[str]) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"
    audited.append(page.url)


def test_citizen_books_moves_and_cancels_in_english(page, live_server, live_region):
    audited: list[str] = []
    page.goto(f"{live_server.url}/book/testila?lang=en")
    assert page.locator("[aria-current=step]").inner_text().endswith("Service")
    assert_accessible(page, audited)

    page.get_by_role("link", name=re.compile("kela-benefits")).click()
    expect(page.locator("h1")).to_have_text("Choose a day")
    assert_accessible(page, audited)

    page.locator("a.day-free").first.click()
    expect(page.locator("h1")).to_have_text("Choose a time")
    assert_accessible(page, audited)
    first_time = page.locator(".time-list a").first.inner_text()

    page.locator(".time-list a").first.click()
    expect(page.locator("h1")).to_have_text("Your details")
    assert_accessible(page, audited)

    # Sent empty: the error summary names the fields and is accessible too.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("#error-summary")
    assert "Your name" in summary.inner_text() and "Mobile number" in summary.inner_text()
    assert_accessible(page, audited)

    page.get_by_label("Your name").fill("Maija Meikäläinen")
    page.get_by_label("Mobile number").fill("040 123 4567")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your booking")
    expect(page.locator("body")).to_contain_text("040 123 4567")
    assert_accessible(page, audited)

    page.get_by_role("button", name="Confirm the booking").click()
    expect(page.locator("h1")).to_have_text("Type the code")
    expect(page.locator("body")).to_contain_text("We sent a code to 040 123 4567")
    code_field = page.get_by_label("Code")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    assert_accessible(page, audited)
    code_field.fill("000000" if texted_code(live_server, "+358401234567") != "000000" else "1")
    page.get_by_role("button", name="Confirm the booking").click()
    expect(page.locator("#error-summary")).to_contain_text("The code is not right.")
    assert_accessible(page, audited)
    type_the_code(page, live_server, "+358401234567", "Code", "Confirm the booking")
    expect(page.locator("h1")).to_have_text("Your appointment is booked")
    assert first_time in page.locator("dl.facts").inner_text()
    expect(page.locator("body")).to_contain_text("photo ID")
    assert_accessible(page, audited)
    calendar = page.request.get(calendar_url(page, live_server))
    assert "METHOD:REQUEST" in calendar.text()

    page.locator(".manage-link a").click()
    expect(page.locator("h1")).to_have_text("Your appointment")
    assert_accessible(page, audited)

    page.get_by_role("link", name="Move to another time").click()
    assert_accessible(page, audited)
    page.locator("a.day-free").last.click()
    assert_accessible(page, audited)
    page.locator(".time-list a").last.click()
    expect(page.locator("h1")).to_have_text("Move the appointment")
    assert_accessible(page, audited)
    page.get_by_role("button", name="Move to the new time").click()
    expect(page.locator("body")).to_contain_text("Your appointment has been moved.")

    page.get_by_role("link", name="Cancel the appointment").click()
    assert_accessible(page, audited)
    page.get_by_label("Reason (optional)").fill("Asia hoitui puhelimessa")
    page.get_by_role("button", name="Yes, cancel the appointment").click()
    expect(page.locator("body")).to_contain_text("This appointment has been cancelled.")
    assert_accessible(page, audited)
    calendar = page.request.get(calendar_url(page, live_server))
    assert "METHOD:CANCEL" in calendar.text()

    assert len(audited) == 15
    assert live_server.errors == []


def calendar_url(page, live_server) -> str:
    return live_server.url + page.get_by_role("link", name=re.compile(r"\.ics")).get_attribute(
        "href"
    )


def press_tab_until(page, selector: str, limit: int = 60) -> None:
    """Tab forward until the focused element matches ``selector`` (fails after ``limit``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key on {page.url}")


def test_citizen_books_in_finnish_with_the_keyboard_only(new_page, live_server, live_region):
    page = new_page(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    audited: list[str] = []
    page.goto(f"{live_server.url}/book/testila?lang=fi")
    expect(page.locator("h1")).to_have_text("Valitse palvelu")

    press_tab_until(page, "a[href$='/book/testila/kela-benefits']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/book/testila/kela-benefits$"))
    expect(page.locator("h1")).to_have_text("Valitse päivä")
    assert_accessible(page, audited)

    press_tab_until(page, "a.day-free")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\d{4}-\d{2}-\d{2}$"))
    expect(page.locator("h1")).to_have_text("Valitse aika")
    assert_accessible(page, audited)

    press_tab_until(page, ".time-list a")
    chosen_time = page.evaluate("() => document.activeElement.textContent.trim()")
    assert re.fullmatch(r"\d{1,2}\.\d{2}", chosen_time)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/book/details"))
    expect(page.locator("h1")).to_have_text("Tietosi")

    press_tab_until(page, "#name")
    page.keyboard.type("Matti Meikäläinen")
    page.keyboard.press("Tab")
    page.keyboard.type("050 765 4321")
    press_tab_until(page, "input[name=language]:checked")
    press_tab_until(page, "#topic")
    page.keyboard.press("ArrowDown")  # the first topic of the list
    press_tab_until(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Tarkista varauksesi")
    assert_accessible(page, audited)

    press_tab_until(page, "form button[type=submit]:not([name=edit])")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/code$"))
    expect(page.locator("h1")).to_have_text("Kirjoita koodi")
    assert_accessible(page, audited)
    press_tab_until(page, "#code")
    page.keyboard.type(texted_code(live_server, "+358507654321"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/confirmed$"))
    expect(page.locator("h1")).to_have_text("Aikasi on varattu")
    assert f"klo {chosen_time}" in page.locator("dl.facts").inner_text()
    expect(page.locator("body")).to_contain_text("Kuvallinen henkilöllisyystodistus")
    assert_accessible(page, audited)
    assert live_server.errors == []


def test_pages_fit_a_phone_screen_without_sideways_scrolling(page, live_server, live_region):
    page.goto(f"{live_server.url}/book/testila/kela-benefits?lang=sv")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    assert page.locator("caption").inner_text()


def fill_details(page, name: str, phone: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Mobile number").fill(phone)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your booking")


def test_second_citizen_on_the_same_time_hears_just_taken_and_books_another(
    new_page, live_server, live_region
):
    first, second = new_page(), new_page()
    first.goto(f"{live_server.url}/book/testila/kela-benefits?lang=en")
    first.locator("a.day-free").first.click()
    details_url = live_server.url + first.locator(".time-list a").first.get_attribute("href")
    for page in (first, second):
        page.goto(details_url + "&lang=en")
    fill_details(first, "Maija Meikäläinen", "040 123 4567")
    fill_details(second, "Matti Virtanen", "050 765 4321")
    first.get_by_role("button", name="Confirm the booking").click()
    type_the_code(first, live_server, "+358401234567", "Code", "Confirm the booking")
    expect(first.locator("h1")).to_have_text("Your appointment is booked")

    second.get_by_role("button", name="Confirm the booking").click()
    expect(second.locator("h1")).to_have_text("This time was just taken")
    violations = axe_violations(second)
    assert not violations, describe_violations(violations)
    second.locator("button[name=alternative]").first.click()
    expect(second.locator("h1")).to_have_text("Check your booking")
    assert "Matti Virtanen" in second.content()  # the details were kept
    second.get_by_role("button", name="Confirm the booking").click()
    type_the_code(second, live_server, "+358507654321", "Code", "Confirm the booking")
    expect(second.locator("h1")).to_have_text("Your appointment is booked")

    second.goto(f"{live_server.url}/manage/{'x' * 43}?lang=en")
    expect(second.locator("h1")).to_have_text("This link does not work")
    expect(second.locator("main")).to_contain_text("14 days after the appointment")
    assert not axe_violations(second)
    assert live_server.errors == []


def test_booking_works_with_javascript_turned_off(new_page, live_server, live_region):
    page = new_page(locale="sv-FI", javascript=False)
    page.goto(f"{live_server.url}/book/testila?lang=sv")
    page.get_by_role("link", name=re.compile("kela-benefits")).click()
    page.locator("a.day-free").first.click()
    page.locator(".time-list a").first.click()
    page.get_by_label("Ditt namn").fill("Anna Nyström")
    page.get_by_label("Mobilnummer").fill("0401234999")
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_role("button", name="Bekräfta bokningen").click()
    expect(page.locator("h1")).to_have_text("Skriv koden")
    # No axe audit here: it runs as page script, which this browser does not run;
    # the code page is audited with JavaScript on in the other journeys.
    type_the_code(page, live_server, "+358401234999", "Kod", "Bekräfta bokningen")
    expect(page.locator("h1")).to_have_text("Din tid är bokad")
    assert live_server.errors == []
