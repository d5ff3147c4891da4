"""A region administrator makes the short days shorter, in Finnish, in a real browser,
audited with axe-core: the page, its error summary, the consequences and the page
after saving have no WCAG 2.1 A/AA violation; the form is used by its labels alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from booking.data.enums import Role
from tests.browser.test_staff_journey import DESKTOP, assert_accessible, sign_in
from tests.staff.conftest import add_account

pytestmark = pytest.mark.browser
#: Maundy Thursday 2.4.2026 12:00 Helsinki (UTC+3).
MAUNDY_NOON = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
MAUNDY_THURSDAY = "torstai 2. huhtikuuta 2026"


def test_admin_closes_the_short_days_earlier_after_seeing_the_consequences(
    new_page, live_server, live_factory, live_region, clock
):
    add_account(live_factory.session, "admin", Role.ADMIN)
    booked = live_factory.appointment(
        point=live_region["point"], service=live_region["service"], starts_at=MAUNDY_NOON
    )
    audited: list[str] = []
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server.url, "admin@staff.test")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Lyhennetyt päivät").click()
    expect(page.get_by_text(f"{MAUNDY_THURSDAY}: auki viimeistään klo 13.00 asti")).to_be_visible()
    assert_accessible(page, audited)

    dates = page.get_by_label("Joka vuosi samana päivänä olevat lyhennetyt päivät")
    dates.fill("30.4., 31.2.")
    page.get_by_role("button", name="Näytä seuraukset").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the error summary
    assert_accessible(page, audited)

    dates.fill("30.4., 5.12., 23.12., 31.12.")
    page.get_by_label("Lyhennettyinä päivinä asiointipisteet sulkeutuvat viimeistään kello").fill(
        "12:00"
    )
    expect(page.get_by_label("Kiirastorstai")).to_be_checked()
    page.get_by_role("button", name="Näytä seuraukset").click()
    expect(page.get_by_role("rowheader", name=booked.reference)).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(page.get_by_text(f"{MAUNDY_THURSDAY}: auki viimeistään klo 12.00 asti")).to_be_visible()
    assert_accessible(page, audited)
    assert len(audited) == 4
    assert live_server.errors == []
