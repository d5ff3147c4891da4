"""The council member's journey in a real browser, audited with axe-core.

She signs in, lands on the figures, narrows them to one service point, reads a
chart and the table beside it, prints the page and downloads the CSV, which
holds exactly that point's rows of the fixed data set.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.data.enums import Role
from tests.browser.conftest import axe_violations, describe_violations
from tests.figures.test_council_figures import EXPECTED_CSV
from tests.figures.world import build_figures_world
from tests.staff.conftest import PASSWORD, add_account

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def test_council_member_filters_reads_a_chart_and_downloads_the_csv(
    new_page, live_server, live_factory, clock
):
    build_figures_world(live_factory)
    council = add_account(live_factory.session, "council", Role.COUNCIL)
    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/staff/sign-in")
    page.get_by_label("Sähköpostiosoite").fill(council.email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page.locator("h1")).to_contain_text("Tilastot")
    assert_accessible(page)

    page.get_by_label("Ensimmäinen kuukausi", exact=True).fill("2026-02")
    page.get_by_label("Viimeinen kuukausi", exact=True).fill("2026-03")
    page.get_by_label("Asiointipiste", exact=True).select_option(label="Testilä yhteispalvelupiste")
    page.get_by_role("button", name="Näytä").click()
    assert "point=testila" in page.url
    assert_accessible(page)

    chart = page.locator("svg#room-chart")
    assert chart.get_attribute("role") == "img"
    assert "Huonetunnit auki, varattu ja käytetty" in chart.locator("title").text_content()
    expect(chart.locator("text", has_text="Testilä yhteispalvelupiste")).to_have_count(1)
    expect(chart.locator("text", has_text="252.0")).to_have_count(1)
    row = page.locator("#rooms-table tbody tr")
    expect(row).to_have_count(1)
    assert row.locator("th").inner_text() == "Testilä yhteispalvelupiste"
    assert row.locator("td").all_inner_texts() == ["252.0", "x", "1.9", "0.7"]
    months = page.locator("#outcomes-table tbody th").all_inner_texts()
    assert months == ["helmikuu 2026", "maaliskuu 2026"]
    assert "Maija" not in page.content()

    page.emulate_media(media="print")
    expect(page.locator("form.figures-filter")).to_be_hidden()
    expect(page.locator("svg#outcomes-chart")).to_be_visible()
    expect(page.locator("#outcomes-table")).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa tilastot CSV-tiedostona").click()
    assert download.value.suggested_filename == "figures-2026-02-2026-03.csv"
    got = download.value.path().read_text(encoding="utf-8").splitlines()
    header, *rows = EXPECTED_CSV.splitlines()
    assert got == [header, *(line for line in rows if ",testila," in line)]
    assert live_server.errors == []
