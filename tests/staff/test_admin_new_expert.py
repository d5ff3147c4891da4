"""A region administrator adds an expert from the experts page: agency, name, e-mail,
services and languages; her working hours are set on her own page afterwards."""

from __future__ import annotations

from sqlalchemy import select

from booking.data.audit_models import AuditEvent
from booking.data.models import Expert
from tests.staff.test_admin_calendar import post_form

PATH = "/admin/experts/new"
NEW = {
    "agency": "kela",
    "name": "Ritva Räsänen",
    "email": "ritva.rasanen@kela.fi",
    "services": ["kela-benefits"],
    "languages": ["fi", "sv"],
}


def experts_by_name(session) -> dict[str, Expert]:
    experts = {expert.name: expert for expert in session.scalars(select(Expert))}
    session.commit()
    return experts


def test_the_experts_page_leads_to_the_form_in_finnish(staff_world, signed_in):
    admin = signed_in("admin")
    assert PATH in admin.get("/admin/experts").get_data(as_text=True)
    page = admin.get(PATH).get_data(as_text=True)
    assert "Lisää asiantuntija" in page and "Sähköposti (vapaaehtoinen)" in page


def test_an_added_expert_has_what_was_given_and_no_hours_and_the_audit_says_so(
    staff_world, signed_in, session
):
    answer = post_form(signed_in("admin"), PATH, NEW)
    added = experts_by_name(session)["Ritva Räsänen"]
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/admin/experts/{added.id}")
    assert (added.key, added.agency_id, added.email, added.languages) == (
        "ritva-rasanen",
        "kela",
        "ritva.rasanen@kela.fi",
        "fi,sv",
    )
    assert [s.id for s in added.services] == ["kela-benefits"] and added.working_hours == []
    session.commit()
    detail = session.scalars(select(AuditEvent.detail).order_by(AuditEvent.id.desc())).first()
    session.commit()
    assert detail.startswith("expert ritva-rasanen: added ('Ritva Räsänen', agency kela")


def test_a_second_expert_of_the_same_name_gets_a_key_of_her_own(staff_world, signed_in, session):
    admin = signed_in("admin")
    post_form(admin, PATH, NEW)
    post_form(admin, PATH, {**NEW, "email": ""})
    keys = sorted(session.scalars(select(Expert.key).where(Expert.name == "Ritva Räsänen")))
    session.commit()
    assert keys == ["ritva-rasanen", "ritva-rasanen-2"]


def test_bad_input_is_named_in_finnish_and_adds_no_one(staff_world, signed_in, session):
    admin = signed_in("admin")
    cases = [
        ({"email": "ei osoite"}, "Tämä ei näytä sähköpostiosoitteelta."),
        ({"services": ["vero-advice"]}, "Valitse vain asiantuntijan viraston palveluja."),
        ({"languages": []}, "Valitse vähintään yksi kieli."),
        ({"name": " "}, "Kirjoita asiantuntijan nimi."),
        ({"agency": "atlantis"}, "Valitse virasto."),
    ]
    for change, message in cases:
        page = post_form(admin, PATH, {**NEW, **change})
        assert page.status_code == 200 and message in page.get_data(as_text=True), change
    assert "Ritva Räsänen" not in experts_by_name(session)


def test_a_limited_admin_cannot_add_an_expert(staff_world, signed_in):
    assert signed_in("admin_b").get(PATH).status_code == 403
