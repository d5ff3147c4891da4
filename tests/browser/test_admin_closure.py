"""An administrator closes a point in Finnish, in a real browser, audited with axe-core.

The form's error summary, the consequences page and the list after saving
have no WCAG 2.1 A/AA violation; the form is used by its labels alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from booking.data.enums import Role
from tests.browser.test_staff_journey import DESKTOP, assert_accessible, sign_in
from tests.staff.conftest import add_account

pytestmark = pytest.mark.browser
#: Tuesday 3.3.2026 10:00 Helsinki.
TUESDAY_TEN = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def test_admin_closes_a_point_after_seeing_the_consequences(
    new_page, live_server, live_factory, live_region, clock
):
    add_account(live_factory.session, "admin", Role.ADMIN)
    booked = live_factory.appointment(
        point=live_region["point"], service=live_region["service"], starts_at=TUESDAY_TEN
    )
    audited: list[str] = []
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server.url, "admin@staff.test")
    page.goto(f"{live_server.url}/admin/points/{live_region['point'].id}/closures")
    assert_accessible(page, audited)

    page.get_by_role("button", name="Näytä seuraukset").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the error summary
    assert_accessible(page, audited)

    page.get_by_label("Päivä (pakollinen)", exact=True).fill("2026-03-03")
    page.get_by_label("Syy, näytetään asiakkaille asiointipisteen sivulla").fill("Vesivahinko")
    page.get_by_role("button", name="Näytä seuraukset").click()
    expect(page.get_by_role("rowheader", name=booked.reference)).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(page.get_by_role("cell", name="Vesivahinko")).to_be_visible()
    assert_accessible(page, audited)
    assert len(audited) == 4
