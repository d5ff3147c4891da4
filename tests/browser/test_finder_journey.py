"""A citizen finds the service points nearest to her and Kela's earliest time there, in
Finnish, Swedish and English, on a phone and on a desktop, with and without JavaScript:
the front page, then the answer — two page loads."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
WORDS = {
    "fi": {"where": "Postinumero tai kunta", "agency": "Virasto", "find": "Etsi",
           "kela": "Kela", "h1": "Lähimmät asiointipisteet", "earliest": "Aikaisin vapaa aika:",
           "unknown": "”Tampere” ei ole Keski-Suomen postinumero eikä kunta.",
           "keuruu": "Keuruu", "details": "Nimesi"},
    "sv": {"where": "Postnummer eller kommun", "agency": "Myndighet", "find": "Sök",
           "kela": "FPA", "h1": "Närmaste servicepunkter", "earliest": "Första lediga tid:",
           "unknown": "”Tampere” är inte ett postnummer eller en kommun i Mellersta Finland.",
           "keuruu": "Keuru", "details": "Ditt namn"},
    "en": {"where": "Postal code or municipality", "agency": "Agency", "find": "Find",
           "kela": "Kela (Social Insurance Institution)", "h1": "Nearest service points",
           "earliest": "Earliest free time:",
           "unknown": "“Tampere” is not a postal code or a municipality of Central Finland.",
           "keuruu": "Keuruu", "details": "Your name"},
}  # fmt: skip


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "desktop"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_postal_code_to_the_nearest_points_and_kelas_earliest_time(
    new_page, live_server, whole_region, clock, language, viewport
):
    words = WORDS[language]
    page = new_page(viewport=viewport, locale=language)
    loads = []
    page.on("load", lambda _: loads.append(page.url))
    page.goto(f"{live_server.url}/?lang={language}")
    assert_clean(page, "front page")

    page.get_by_label(words["where"], exact=True).fill("40100")
    page.get_by_label(words["agency"], exact=True).select_option(label=words["kela"])
    page.get_by_role("button", name=words["find"], exact=True).click()
    page.wait_for_url("**/nearest?**")
    assert page.get_by_role("heading", level=1).inner_text() == words["h1"]
    found = page.locator(".near-list > li")
    expect(found).to_have_count(5)
    assert "Säynät" in found.first.locator("h3").inner_text()  # 12 km from the centre
    expect(found.first.get_by_text(words["earliest"])).to_be_visible()
    assert len(loads) == 2  # the front page and the answer
    assert_clean(page, "nearest")

    found.first.locator("a.button").click()
    page.wait_for_url("**/book/details?**")
    expect(page.get_by_label(words["details"])).to_be_visible()
    assert live_server.errors == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_without_javascript_an_unknown_place_is_explained_and_the_list_still_leads_on(
    new_page, live_server, whole_region, clock, language
):
    words = WORDS[language]
    page = new_page(viewport=PHONE, locale=language, javascript=False)
    page.goto(f"{live_server.url}/?lang={language}")
    page.get_by_label(words["where"], exact=True).fill("Tampere")
    page.get_by_role("button", name=words["find"], exact=True).click()
    page.wait_for_url("**/nearest?**")
    assert words["unknown"] in page.locator(".error-summary").inner_text()
    assert page.get_by_label(words["where"], exact=True).input_value() == "Tampere"
    assert page.get_by_label(words["where"], exact=True).get_attribute("aria-invalid") == "true"

    page.locator(".municipality-links").get_by_role("link", name=words["keuruu"]).click()
    page.wait_for_url("**/nearest?where=**")
    expect(page.locator(".near-list > li").first.locator("h3")).to_contain_text("Keuru")

    page.get_by_label(words["where"], exact=True).fill("säynätsalo")
    page.get_by_label(words["agency"], exact=True).select_option(label=words["kela"])
    page.get_by_label(words["where"], exact=True).press("Enter")
    page.wait_for_url("**agency=kela**")
    expect(page.locator(".near-list > li").first.get_by_text(words["earliest"])).to_be_visible()
    assert live_server.errors == []


def test_the_front_page_is_shorter_on_a_phone(new_page, live_server, whole_region):
    page = new_page(viewport=PHONE, locale="fi")
    page.goto(f"{live_server.url}/?lang=fi")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    finder = page.locator("form.finder").bounding_box()
    assert finder["y"] + finder["height"] < 740  # the finder is on the first screen
    assert height < 2500, f"front page {height} px tall at 360 px"
