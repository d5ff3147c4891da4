"""Every public page fits a 320 px and a 360 px screen in fi, sv and en, with the longest
names of the real region file: no page scrolls sideways, long words wrap."""

from __future__ import annotations

import pytest

from booking.data.models import Offering, Service, ServicePoint
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser

NARROW_WIDTHS = (320, 360)
LABELS = {
    "fi": {"name": "Nimesi", "phone": "Matkapuhelinnumero", "needs": "Esteettömyys tai muut",
           "continue": "Jatka", "confirm": "Vahvista varaus", "cancel": "Peru aika",
           "yes_cancel": "Kyllä, peru aika"},
    "sv": {"name": "Ditt namn", "phone": "Mobilnummer", "needs": "Tillgänglighet eller andra",
           "continue": "Fortsätt", "confirm": "Bekräfta bokningen", "cancel": "Avboka tiden",
           "yes_cancel": "Ja, avboka tiden"},
    "en": {"name": "Your name", "phone": "Mobile number", "needs": "Accessibility or other",
           "continue": "Continue", "confirm": "Confirm the booking",
           "cancel": "Cancel the appointment", "yes_cancel": "Yes, cancel the appointment"},
}  # fmt: skip
#: The elements that reach past the right edge of the screen, for the failure message.
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5).map((element) => element.tagName + ': ' + element.textContent.trim().slice(0, 50))"""


def longest_choice(live_server, language: str) -> tuple[str, str]:
    """The service with the longest name in ``language`` and, of the points offering it,
    the one with the longest name."""
    session = live_server.session()
    try:
        services = session.query(Service).filter(Service.active).all()
        service = max(services, key=lambda s: len(getattr(s, f"name_{language}") or s.name_fi))
        points = (
            session.query(ServicePoint)
            .join(Offering, Offering.point_id == ServicePoint.id)
            .filter(Offering.service_id == service.id, ServicePoint.active)
            .all()
        )
        point = max(points, key=lambda p: len(getattr(p, f"name_{language}") or p.name_fi))
        return point.id, service.id
    finally:
        session.close()


def finder_choice(live_server, point_id: str, service_id: str) -> tuple[str, str]:
    """The finder's question whose answer shows that point and that service's agency."""
    session = live_server.session()
    try:
        point, service = session.get(ServicePoint, point_id), session.get(Service, service_id)
        return point.postal_code, service.agency_id
    finally:
        session.close()


def assert_fits(page, step: str) -> None:
    """At each narrow width the page is no wider than the screen; axe stays clean."""
    page.wait_for_load_state("load")  # the style sheet too, after a click's navigation
    for width in NARROW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 740})
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert scroll_width <= inner_width, f"{step} at {width} px: {scroll_width} px, {wide}"
    violations = axe_violations(page)
    assert not violations, f"{step}: {describe_violations(violations)}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_public_page_fits_a_narrow_phone(new_page, live_server, whole_region, language):
    labels = LABELS[language]
    point_id, service_id = longest_choice(live_server, language)
    page = new_page(viewport={"width": 360, "height": 740}, locale=language)

    page.goto(f"{live_server.url}/?lang={language}")
    assert_fits(page, "front page")
    postal_code, agency = finder_choice(live_server, point_id, service_id)
    page.goto(f"{live_server.url}/nearest?where={postal_code}&agency={agency}")
    assert_fits(page, "nearest points")
    page.goto(f"{live_server.url}/nearest?where={'Pyhäjärvenkylänkuntakeskus' * 3}")
    assert_fits(page, "nearest points: unknown place")
    page.goto(f"{live_server.url}/points/{point_id}")
    assert_fits(page, "point page")
    page.locator("footer a[href='/accessibility']").click()
    assert_fits(page, "accessibility statement")
    page.locator("footer a[href='/privacy']").click()
    assert_fits(page, "privacy notice")

    page.goto(f"{live_server.url}/book/{point_id}")
    assert_fits(page, "service")
    page.locator(f"a[href$='/book/{point_id}/{service_id}']").click()
    assert_fits(page, "month")
    page.locator("a.day-free").first.click()
    assert_fits(page, "day")
    page.locator(".time-list a").first.click()
    assert_fits(page, "details")

    page.get_by_label(labels["name"]).fill("Maija-Liisa Hämäläinen-Äijälä")
    page.get_by_label(labels["phone"]).fill("040 123 4567")
    page.get_by_label(labels["needs"]).fill("Pyörätuoliesteettömyysvaatimuksenmukaisuustarkastus")
    page.get_by_role("button", name=labels["continue"]).click()
    assert_fits(page, "review")
    page.get_by_role("button", name=labels["confirm"]).click()
    page.wait_for_url("**/confirmed")
    assert_fits(page, "confirmed")

    page.locator(".manage-link a").click()
    assert_fits(page, "manage")
    page.get_by_role("link", name=labels["cancel"]).click()
    assert_fits(page, "cancel")
    page.get_by_role("button", name=labels["yes_cancel"]).click()
    assert_fits(page, "cancelled")
    page.goto(f"{live_server.url}/manage/{'x' * 43}")
    assert_fits(page, "expired link")
    assert live_server.errors == []
