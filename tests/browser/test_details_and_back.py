"""The details form and the browser's Back button in Chromium.

The review and the confirmation are reached by redirects (post/redirect/get),
so Back and Reload never meet "Confirm form resubmission"; the "(required)"
marks sit in the labels, so every field starts at the same left edge.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser


def heading(page) -> str:
    return page.locator("h1").inner_text()


def open_details(page, live_server) -> None:
    page.goto(f"{live_server.url}/book/testila/kela-benefits?lang=en")
    page.locator("a.day-free").first.click()
    page.locator(".time-list a").first.click()
    assert heading(page) == "Your details"


def test_back_and_reload_never_ask_to_send_a_form_again(page, live_server, live_region):
    open_details(page, live_server)
    page.get_by_label("Your name").fill("Maija Meikäläinen")
    page.get_by_label("Mobile number").fill("040 123 4567")
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Check your booking"
    assert page.reload().ok  # a plain GET: no resubmission prompt
    assert heading(page) == "Check your booking"

    page.go_back()
    assert heading(page) == "Your details"
    assert page.get_by_label("Your name").input_value() == "Maija Meikäläinen"
    page.go_forward()
    assert heading(page) == "Check your booking"

    page.get_by_role("button", name="Confirm the booking").click()
    assert heading(page) == "Your appointment is booked"
    back = page.go_back()
    assert back is not None and back.ok, page.url
    assert heading(page) == "This time is already yours"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.go_back()  # the details step, too, says the time is booked now
    assert heading(page) == "This time is already yours"
    page.get_by_role("link", name="See your appointment").click()
    assert heading(page) == "Your appointment"
    assert live_server.errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_required_marks_keep_the_fields_in_line(new_page, live_server, live_region, width):
    page = new_page(viewport={"width": width, "height": 900})
    open_details(page, live_server)
    fields = ["#name", "#phone", "#email", "#interpreter_language", "#needs"]
    lefts = {round(page.locator(selector).bounding_box()["x"]) for selector in fields}
    assert len(lefts) == 1, lefts
    label = page.locator("label[for=name]")
    assert "(required)" in label.inner_text()
    label_box, input_box = label.bounding_box(), page.locator("#name").bounding_box()
    assert input_box["y"] >= label_box["y"] + label_box["height"] - 1  # below, not beside
