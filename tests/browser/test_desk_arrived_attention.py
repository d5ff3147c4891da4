"""The desk's list of arrived citizens whose call a calendar change made impossible,
in Finnish, in a real browser, audited with axe-core: the day with the list and
the day after the advisor has talked to the citizen have no WCAG 2.1 A/AA
violation, and the button is found by its name alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from booking.data.enums import AppointmentStatus
from booking.region.calendar_changes import add_absence
from tests.browser.test_staff_journey import DESKTOP, assert_accessible, sign_in
from tests.factories import NOW

pytestmark = pytest.mark.browser
#: Monday 2.3.2026 00:00 Helsinki (UTC+2).
MONDAY = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)


def test_advisor_sees_the_waiting_citizen_whose_expert_fell_ill_and_talks_to_her(
    new_page, live_server, live_factory, live_region, accounts
):
    waiting = live_factory.appointment(
        point=live_region["point"],
        service=live_region["service"],
        starts_at=NOW + timedelta(minutes=15),
        status=AppointmentStatus.ARRIVED,
        checked_in_at=NOW,
        name="Aino Odottaja",
    )
    session = live_factory.session
    add_absence(
        session,
        live_region["expert"].id,
        MONDAY,
        MONDAY + timedelta(days=1),
        now=NOW,
        by_user_id=None,
    )
    session.commit()
    audited: list[str] = []
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server.url, "advisor@staff.test")
    page.goto(f"{live_server.url}/desk/{live_region['point'].id}")
    section = page.get_by_role("region", name="Saapuneet asiakkaat, joiden tapaaminen ei onnistu")
    assert "Asiantuntija on poissa" in section.inner_text()
    assert waiting.reference in section.inner_text()
    assert_accessible(page, audited)

    section.get_by_role("button", name="Asiakkaalle kerrottu – Aino Odottaja").click()
    expect(page.get_by_text("Hoidettu: poistettu palvelupisteen listalta.")).to_be_visible()
    expect(page.get_by_role("heading", name="Saapuneet asiakkaat")).to_have_count(0)
    assert_accessible(page, audited)
    assert len(audited) == 2
    assert live_server.errors == []
