"""The front page, a point's page, the accessibility statement and the privacy notice in
Chromium: no WCAG 2.1 A/AA violations, keyboard use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.engine.clock import to_helsinki, utc_now
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def region_with_closure(live_factory, live_region):
    soon = to_helsinki(utc_now()).date() + timedelta(days=3)
    live_factory.closure("testila", soon, reason="Henkilöstökoulutus")
    return live_region


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "path", ["/", "/?agency=kela", "/points/testila", "/accessibility", "/privacy"]
)
def test_information_pages_pass_the_accessibility_audit(
    page, live_server, region_with_closure, path, language
):
    separator = "&" if "?" in path else "?"
    page.goto(f"{live_server.url}{path}{separator}lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not live_server.errors


def test_agency_filter_works_with_the_keyboard_alone(page, live_server, live_region):
    page.goto(f"{live_server.url}/?lang=en")
    page.keyboard.press("Tab")  # the skip link
    page.locator("#agency").focus()
    page.keyboard.press("ArrowDown")  # from "All agencies" to the first agency
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**agency=kela**")
    expect(page.locator("body")).to_contain_text("1 service point offers the services of Kela.")
    page.get_by_role("link", name="Testila service point").press("Enter")
    page.wait_for_url("**/points/testila")
    assert page.get_by_role("heading", level=1).inner_text() == "Testila service point"
