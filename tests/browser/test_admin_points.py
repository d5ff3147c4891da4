"""An administrator changes a point's hours, rooms and services in Finnish, in a real
browser, audited with axe-core: every page, its errors and its consequences have no
WCAG 2.1 A/AA violation, and each form is used by its labels alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from booking.data.enums import Role
from tests.browser.test_staff_journey import DESKTOP, assert_accessible, sign_in
from tests.staff.conftest import add_account

pytestmark = pytest.mark.browser
#: Tuesday 3.3.2026 13:00 Helsinki.
TUESDAY_ONE_PM = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


@pytest.fixture
def admin_page(new_page, live_server, live_factory, live_region, clock):
    add_account(live_factory.session, "admin", Role.ADMIN)
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server.url, "admin@staff.test")
    return page


def booked(live_factory, live_region):
    return live_factory.appointment(
        point=live_region["point"], service=live_region["service"], starts_at=TUESDAY_ONE_PM
    )


def test_admin_shortens_the_weekly_hours_after_seeing_the_consequences(
    admin_page, live_server, live_factory, live_region
):
    page, audited = admin_page, []
    appointment = booked(live_factory, live_region)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Aukioloajat – Testila").click()
    assert_accessible(page, audited)

    page.get_by_label("Tiistai").fill("9-25")
    page.get_by_role("button", name="Näytä seuraukset").first.click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_label("Tiistai").fill("9.00–12.00")
    page.get_by_role("button", name="Näytä seuraukset").first.click()
    expect(page.get_by_role("rowheader", name=appointment.reference)).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    assert page.get_by_label("Tiistai").input_value() == "9.00–12.00"
    assert_accessible(page, audited)
    assert len(audited) == 4


def test_admin_adds_a_room_and_removes_the_old_one_keeping_the_call(
    admin_page, live_server, live_factory, live_region
):
    page, audited = admin_page, []
    appointment = booked(live_factory, live_region)
    page.goto(f"{live_server.url}/admin/points/testila/rooms")
    assert_accessible(page, audited)
    page.get_by_role("button", name="Lisää huone").click()
    page.get_by_role("alert").wait_for()  # the answer to the form, once it has loaded
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_label("Huoneen nimi").fill("Kirjasto")
    page.get_by_role("button", name="Lisää huone").click()
    expect(page.get_by_role("link", name="Kirjasto")).to_be_visible()
    page.get_by_role("link", name=live_region["room"].name).click()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Näytä seuraukset").click()
    row = page.locator("tr", has_text=appointment.reference)
    assert "Kirjasto" in row.inner_text()
    assert_accessible(page, audited)
    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(page.get_by_role("link", name=live_region["room"].name)).to_have_count(0)
    assert len(audited) == 4


def test_admin_withdraws_a_service_from_the_matrix(
    admin_page, live_server, live_factory, live_region
):
    page, audited = admin_page, []
    appointment = booked(live_factory, live_region)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Palvelut asiointipisteissä").click()
    assert_accessible(page, audited)

    page.get_by_role("link", name="Tarjolla").click()
    assert_accessible(page, audited)
    page.get_by_role("button", name="Näytä poiston seuraukset").click()
    expect(page.get_by_role("rowheader", name=appointment.reference)).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Ei tarjolla")).to_be_visible()
    assert_accessible(page, audited)
    assert len(audited) == 4


def test_admin_takes_a_service_from_an_expert_and_her_call_goes_to_a_colleague(
    admin_page, live_server, live_factory, live_region
):
    page, audited = admin_page, []
    colleague = live_factory.expert("kela-ben", name="Ben Kollega")
    appointment = live_factory.appointment(
        point=live_region["point"],
        service=live_region["service"],
        starts_at=TUESDAY_ONE_PM,
        expert=live_region["expert"],
    )
    page.goto(f"{live_server.url}/admin/experts")
    page.get_by_role("link", name=f"{live_region['expert'].name} Kela", exact=True).click()
    assert_accessible(page, audited)

    page.get_by_label("Tiistai").fill("kahdeksasta")
    page.get_by_role("button", name="Näytä seuraukset").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_label("Tiistai").fill("8.00–16.00")
    page.get_by_role("group", name="Palvelut").get_by_role("checkbox").first.uncheck()
    page.get_by_role("button", name="Näytä seuraukset").click()
    row = page.locator("tr", has_text=appointment.reference)
    assert colleague.name in row.inner_text()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    services = page.get_by_role("group", name="Palvelut")
    expect(services.get_by_role("checkbox").first).not_to_be_checked()
    assert_accessible(page, audited)
    assert len(audited) == 4


def test_admin_changes_a_service_s_length(admin_page, live_server, live_region):
    page, audited = admin_page, []
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Virastot ja palvelut").click()
    assert_accessible(page, audited)
    page.get_by_role("link", name=live_region["service"].name_fi).click()
    assert_accessible(page, audited)

    page.get_by_label("Tapaamisen pituus (minuuttia)").fill("0")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_label("Tapaamisen pituus (minuuttia)").fill("45")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(page.get_by_text("45 min")).to_be_visible()
    assert_accessible(page, audited)
    assert len(audited) == 4


def test_admin_edits_the_point_s_details_and_hides_it_online_keeping_its_booking(
    admin_page, live_server, live_factory, live_region
):
    page, audited = admin_page, []
    appointment = booked(live_factory, live_region)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Tiedot – Testila").click()
    assert page.get_by_label("Nimi suomeksi").input_value() == "Testila yhteispalvelupiste"
    assert_accessible(page, audited)

    page.get_by_label("Postinumero").fill("401")
    page.get_by_label("Puhelin (vapaaehtoinen)").fill("12345")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)

    page.get_by_label("Postinumero").fill("40100")
    page.get_by_label("Puhelin (vapaaehtoinen)").fill("014 459 0100")
    page.get_by_label("Nimi suomeksi").fill("Testilän asiointipiste")
    page.get_by_label("Piilotettu: varataan vain palvelupisteessä").check()
    page.get_by_role("button", name="Tallenna").click()
    row = page.locator("tr", has_text=appointment.reference)
    assert "Pysyy varattuna" in row.inner_text()
    assert_accessible(page, audited)

    page.get_by_role("button", name="Vahvista muutos").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(page.get_by_text("Piste on piilotettu verkosta")).to_be_visible()
    assert page.get_by_label("Puhelin (vapaaehtoinen)").input_value() == "+358 14 4590100"
    assert_accessible(page, audited)
    assert len(audited) == 4
    assert live_server.errors == []


def test_admin_adds_a_point_and_an_expert_and_writes_what_to_bring(
    admin_page, live_server, live_region
):
    page, audited = admin_page, []
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Lisää palvelupiste").click()
    assert_accessible(page, audited)
    page.get_by_label("Tunnus (aluetiedostossa ja osoitteissa, esim. uusi-piste)").fill("Uusi!")
    page.get_by_role("button", name="Lisää piste").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, audited)
    fields = {
        "Tunnus (aluetiedostossa ja osoitteissa, esim. uusi-piste)": "uusi-piste",
        "Nimi suomeksi": "Uusi piste",
        "Nimi ruotsiksi": "Ny servicepunkt",
        "Nimi englanniksi": "New service point",
        "Katuosoite": "Kirkkotie 2",
        "Postinumero": "40100",
        "Postitoimipaikka": "TESTILA",
        "Ensimmäisen tilan nimi": "Etähuone",
    }
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Kunta (pakollinen)").select_option(live_region["point"].municipality_id)
    page.get_by_role("button", name="Lisää piste").click()
    expect(page.get_by_text("Piste on piilotettu verkosta")).to_be_visible()

    page.goto(f"{live_server.url}/admin/experts")
    page.get_by_role("link", name="Lisää asiantuntija").click()
    assert_accessible(page, audited)
    page.get_by_label("Virasto (pakollinen)").select_option("kela")
    page.get_by_label("Nimi (pakollinen)", exact=True).fill("Ritva Räsänen")
    page.get_by_role("group", name="Kielet").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Lisää asiantuntija").click()
    expect(page.get_by_role("heading", name="Ritva Räsänen")).to_be_visible()

    page.goto(f"{live_server.url}/admin/services/{live_region['service'].id}")
    page.get_by_label("Mitä ottaa mukaan, suomeksi").fill("Viimeisin päätös\nTiliote")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    page.goto(f"{live_server.url}/admin/services/{live_region['service'].id}")
    assert (
        page.get_by_label("Mitä ottaa mukaan, suomeksi").input_value()
        == "Viimeisin päätös\nTiliote"
    )
    assert_accessible(page, audited)
    assert len(audited) == 4
    assert live_server.errors == []
