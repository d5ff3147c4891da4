"""A citizen with a Swedish mobile books online and gets the code by SMS; one without a
mobile gives only her e-mail address and types the code sent there.  On a phone without
JavaScript, and on a desktop with axe, in the languages the finding showed in."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_clean
from tests.browser.test_citizen_journey import numbers_proven  # noqa: F401  (autouse)
from tests.browser.test_citizen_journey import texted_code as sent_code

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {"name": "Ditt namn", "phone": "Mobilnummer", "email": "E-postadress",
           "continue": "Fortsätt", "confirm": "Bekräfta bokningen", "code": "Kod",
           "booked": "Din tid är bokad"},
    "en": {"name": "Your name", "phone": "Mobile number", "email": "E-mail address",
           "continue": "Continue", "confirm": "Confirm the booking", "code": "Code",
           "booked": "Your appointment is booked"},
}  # fmt: skip


def book(page, live_server, language: str, *, phone: str = "", email: str = "") -> None:
    words = WORDS[language]
    page.goto(f"{live_server.url}/book/testila/kela-benefits?lang={language}")
    page.locator("a.day-free").first.click()
    page.locator(".time-list a").first.click()
    page.get_by_label(words["name"]).fill("Ann Lee")
    page.get_by_label(words["phone"]).fill(phone)
    page.get_by_label(words["email"]).fill(email)
    page.get_by_role("button", name=words["continue"]).click()
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_url("**/code")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_swedish_mobile_books_on_a_phone_without_javascript(
    new_page, live_server, live_region, language
):
    words = WORDS[language]
    page = new_page(viewport={"width": 360, "height": 740}, locale=language, javascript=False)
    book(page, live_server, language, phone="+46 70 123 4567")
    assert "+46 70 123 45 67" in page.locator("[role=status]").first.inner_text()
    page.get_by_label(words["code"]).fill(sent_code(live_server, "+46701234567"))
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_url("**/confirmed")
    assert page.get_by_role("heading", level=1).inner_text() == words["booked"]
    assert live_server.errors == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_e_mail_address_alone_books_on_a_desktop(new_page, live_server, live_region, language):
    words = WORDS[language]
    page = new_page(viewport={"width": 1280, "height": 900}, locale=language)
    book(page, live_server, language, email="ann@example.com")
    assert "ann@example.com" in page.locator("[role=status]").first.inner_text()
    assert_clean(page, "code by e-mail")
    page.get_by_label(words["code"]).fill(sent_code(live_server, "ann@example.com"))
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_url("**/confirmed")
    assert "ann@example.com" in page.locator("[role=status]").first.inner_text()
    assert_clean(page, "confirmed")
    assert live_server.errors == []
