"""An administrator invites a staff member in Finnish, in a real browser, and the new
advisor sets her password through the link; every page is audited with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.data.enums import Role
from booking.data.models import OutboxMessage
from tests.browser.test_staff_journey import DESKTOP, assert_accessible, sign_in
from tests.staff.conftest import add_account

pytestmark = pytest.mark.browser


def test_admin_invites_an_advisor_who_sets_her_password(
    new_page, live_server, live_factory, live_region, clock
):
    add_account(live_factory.session, "admin", Role.ADMIN)
    audited: list[str] = []
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server.url, "admin@staff.test")
    page.get_by_role("link", name="Henkilöstön tunnukset").click()
    assert_accessible(page, audited)
    page.get_by_role("link", name="Kutsu uusi käyttäjä").click()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Lähetä kutsu").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_label("Sähköpostiosoite").fill("uusi.neuvoja@kunta.fi")
    page.get_by_label("Nimi", exact=True).fill("Uusi Neuvoja")
    page.get_by_label("Rooli").select_option("advisor")
    page.get_by_role("group", name="Asiointipisteet").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Lähetä kutsu").click()
    expect(page.get_by_text("Kutsu lähetetty osoitteeseen uusi.neuvoja@kunta.fi.")).to_be_visible()
    page.get_by_role("link", name="uusi.neuvoja@kunta.fi").click()
    expect(page.get_by_role("button", name="Poista tunnus käytöstä")).to_be_visible()
    assert_accessible(page, audited)

    session = live_factory.session
    link = session.scalar(select(OutboxMessage.manage_url))
    session.commit()
    newcomer = new_page(viewport=DESKTOP)
    newcomer.goto(link.replace("http://booking.test", live_server.url))
    assert_accessible(newcomer, audited)
    newcomer.get_by_label("Uusi salasana (pakollinen)", exact=True).fill("kolme-vihreaa-kettua")
    newcomer.get_by_label("Uusi salasana uudelleen").fill("kolme-vihreaa-kettua")
    newcomer.get_by_role("button", name="Aseta salasana").click()
    expect(newcomer.get_by_text("Salasanasi on asetettu.")).to_be_visible()
    newcomer.get_by_label("Sähköpostiosoite").fill("uusi.neuvoja@kunta.fi")
    newcomer.get_by_label("Salasana").fill("kolme-vihreaa-kettua")
    newcomer.get_by_role("button", name="Kirjaudu sisään").click()
    assert "/desk/" in newcomer.url
    assert len(audited) == 5
