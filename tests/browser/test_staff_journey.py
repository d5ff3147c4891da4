"""The advisor's and the expert's journey in real browsers, audited with axe-core.

An advisor signs in, books for a caller in two form submissions and checks the
citizen in; the expert, signed in in a second browser context, sees "arrived"
without reloading. The sign-in, desk, booking, expert and print pages have no
WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.data.enums import Role
from tests.browser.conftest import axe_violations, describe_violations
from tests.factories import NOW
from tests.staff.conftest import PASSWORD, add_account

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def assert_accessible(page, audited: list[str]) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"
    audited.append(page.url)


def sign_in(page, base_url: str, email: str, audited: list[str] | None = None) -> None:
    page.goto(f"{base_url}/staff/sign-in")
    if audited is not None:
        assert_accessible(page, audited)
    page.get_by_label("Sähköpostiosoite").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()


def test_advisor_books_and_checks_in_while_the_expert_watches(new_page, live_server, accounts):
    audited: list[str] = []
    advisor = new_page(viewport=DESKTOP)
    submissions: list[str] = []
    advisor.on(
        "request",
        lambda request: (
            submissions.append(request.url)
            if request.method == "POST" and "/desk/" in request.url
            else None
        ),
    )

    sign_in(advisor, live_server.url, accounts["advisor"].email, audited)
    expect(advisor.locator("h1")).to_contain_text("Testila yhteispalvelupiste")
    assert_accessible(advisor, audited)

    advisor.get_by_role("link", name="Varaa asiakkaalle").first.click()
    assert_accessible(advisor, audited)
    advisor.get_by_label("Puhelinnumero").fill("040 123 4567")
    advisor.get_by_label("Nimi").fill("Aino Asiakas")
    advisor.locator("#service_id").select_option("kela-benefits")
    assert advisor.get_by_label("Päivä").input_value() == ""  # empty: the next free times
    advisor.get_by_role("button", name="Seuraava vapaa aika nyt").click()
    expect(advisor.locator("h1")).to_have_text("Valitse aika")
    assert_accessible(advisor, audited)
    expect(advisor.locator("input[name=starts_at]:checked")).to_have_count(1)
    advisor.get_by_role("button", name="Varaa tämä aika").click()
    expect(advisor.locator("body")).to_contain_text("Varattu. Varaustunnus")
    assert len(submissions) <= 4, submissions
    assert_accessible(advisor, audited)

    advisor.get_by_role("link", name="Tulosta varauslappu").first.click()
    expect(advisor.locator("h1")).to_have_text("Varauksesi")
    assert_accessible(advisor, audited)
    advisor.go_back()

    expert = new_page(viewport=DESKTOP)
    sign_in(expert, live_server.url, accounts["expert"].email)
    row = expert.locator("tr", has_text="Aino")
    assert row.locator("[data-status]").inner_text() == "Varattu"
    assert "Asiakas" not in row.inner_text()  # first name only
    assert_accessible(expert, audited)
    expert.evaluate("() => { window.stillTheSamePage = true; }")

    advisor.get_by_role("button", name="Merkitse saapuneeksi", exact=True).click()
    expect(advisor.locator("body")).to_contain_text("Ilmoittautuminen tehty")

    status = row.locator("[data-status]")
    status.filter(has_text="Saapunut").wait_for(timeout=12_000)  # polled, not reloaded
    assert expert.evaluate("() => window.stillTheSamePage === true")
    assert live_server.errors == []

    advisor.goto(f"{live_server.url}/desk/testila/day-sheet?day=2026-03-02")
    expect(advisor.locator("body")).to_contain_text("Aino Asiakas")
    assert_accessible(advisor, audited)
    advisor.goto(f"{live_server.url}/desk/testila?day=2026-03-02")
    expect(advisor.locator("body")).to_contain_text("Saapunut")
    assert_accessible(advisor, audited)
    assert len(audited) == 9


def test_other_staff_pages_are_accessible(
    new_page, live_server, live_factory, live_region, accounts
):
    add_account(live_factory.session, "admin", Role.ADMIN)
    audited: list[str] = []
    appointment = live_factory.appointment(
        point=live_region["point"],
        service=live_region["service"],
        starts_at=NOW.replace(hour=12),
        name="Veikko Vieras",
        topic="pension",
    )

    advisor = new_page(viewport=DESKTOP)
    sign_in(advisor, live_server.url, accounts["advisor"].email)
    for path in (
        "/desk/search?q=Veikko",
        f"/desk/appointments/{appointment.id}/move?day=2026-03-03",
        "/desk/book?day=",
    ):
        advisor.goto(live_server.url + path)
        assert_accessible(advisor, audited)
    advisor.get_by_role("button", name="Näytä vapaat ajat").click()  # sent empty: errors
    expect(advisor.locator("#error-summary")).to_have_count(1)
    assert_accessible(advisor, audited)

    expert = new_page(viewport=DESKTOP)
    sign_in(expert, live_server.url, accounts["expert"].email)
    for path in ("/expert/week?day=2026-03-02", "/expert/feed"):
        expert.goto(live_server.url + path)
        assert_accessible(expert, audited)
    expert.get_by_role("button", name="Tee syötteen osoite").click()
    assert "/feeds/" in expert.locator("#feed-url").input_value()
    assert_accessible(expert, audited)

    admin = new_page(viewport=DESKTOP)
    sign_in(admin, live_server.url, "admin@staff.test")
    for path in ("/admin/", "/admin/audit"):
        admin.goto(live_server.url + path)
        assert_accessible(admin, audited)
    assert "Veikko" not in admin.content()  # the audit log names staff, not citizens
    assert live_server.errors == []
