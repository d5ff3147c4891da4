"""A call from start to end in real browsers: the desk checks the citizen in, the expert
starts the call (the meeting opens in a new window) and ends it, and the desk's day
shows the call started.  Both pages stay free of WCAG 2.1 A/AA violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.data.enums import Role
from tests.browser.conftest import axe_violations, describe_violations
from tests.factories import NOW
from tests.staff.conftest import PASSWORD, add_account

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/staff/sign-in")
    page.get_by_label("Sähköpostiosoite").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()


def test_the_expert_starts_and_ends_a_call_and_the_desk_sees_it(
    new_page, live_server, live_factory, live_region, clock
):
    session = live_factory.session
    advisor = add_account(session, "advisor", Role.ADVISOR, points=[live_region["point"]])
    expert = add_account(
        session, "expert", Role.EXPERT, agency="kela", expert=live_region["expert"]
    )
    appointment = live_factory.appointment(
        point=live_region["point"],
        service=live_region["service"],
        starts_at=NOW + timedelta(minutes=10),
        name="Aino Asiakas",
    )
    meeting = f"https://video.kela.invalid/{appointment.reference}"

    desk = new_page(viewport=DESKTOP)
    sign_in(desk, live_server.url, advisor.email)
    row = desk.locator("tr", has_text="Aino Asiakas")
    row.get_by_role("button", name="Merkitse saapuneeksi").click()
    expect(desk.locator("body")).to_contain_text("Ilmoittautuminen tehty")

    calls = new_page(viewport=DESKTOP)
    sign_in(calls, live_server.url, expert.email)
    row = calls.locator("tr", has_text="Aino")
    assert "Saapui klo 10.00" in row.inner_text()
    assert_accessible(calls)
    # The meeting opens in a new window (its .invalid address then fails to resolve).
    opens_meeting = calls.context.expect_event("request", lambda request: request.url == meeting)
    with opens_meeting as opened, calls.expect_popup():
        row.get_by_role("button", name="Aloita puhelu").click()
    assert opened.value.method == "GET"

    calls.reload()
    row = calls.locator("tr", has_text="Aino")
    assert row.locator("[data-status]").inner_text() == "Puhelussa"
    expect(row.get_by_role("button", name="Aloita puhelu")).to_have_count(0)
    assert_accessible(calls)

    desk.goto(f"{live_server.url}/desk/testila?day=2026-03-02")
    desk_row = desk.locator("tr", has_text="Aino Asiakas")
    assert "Puhelussa" in desk_row.inner_text()
    assert "Puhelu alkoi klo 10.00" in desk_row.inner_text()
    assert desk_row.get_by_role("button").count() == 0  # nothing left for the desk to do
    assert_accessible(desk)

    row.get_by_role("button", name="Lopeta puhelu").click()
    calls.locator(".notice", has_text="Puhelu on päättynyt").wait_for()  # the answer page
    row = calls.locator("tr", has_text="Aino")
    assert row.locator("[data-status]").inner_text() == "Valmis"
    assert_accessible(calls)
    assert live_server.errors == []
