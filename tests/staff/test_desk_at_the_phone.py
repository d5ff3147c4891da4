"""The desk on the phone: choosing a service, later times, a form sent twice, what to
read out or e-mail to the caller, searching by a number's end, when check-in opens,
and the audit trail of refused attempts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.data.audit_models import AuditEvent
from booking.data.enums import AppointmentStatus, MessageChannel
from booking.data.models import Appointment, OutboxMessage
from tests.factories import NOW
from tests.staff.conftest import csrf_token_of, fresh

CALLER = {"phone": "014 123 4567", "name": "Aino Asiakas", "language": "fi", "day": ""}
TOKEN_INPUT = re.compile(r'name="request_token" value="([0-9a-f]{32})"')
TIME_INPUT = re.compile(r'name="starts_at" id="time-\d+" value="([^"]+)"')
AFTER_INPUT = re.compile(r'name="after" value="([^"]+)"')


def step_one(client, **fields):
    form = client.get("/desk/book").get_data(as_text=True)
    data = {**CALLER, "point_id": "testila", "csrf_token": csrf_token_of(form), **fields}
    return client.post("/desk/book", data=data).get_data(as_text=True), data


def test_the_service_is_chosen_from_agencies_with_nothing_chosen_first(signed_in, staff_world):
    page = signed_in("advisor_a").get("/desk/book").get_data(as_text=True)
    select_html = page[page.index('<select id="service_id"') :]
    select_html = select_html[: select_html.index("</select>")]
    assert re.search(r'<option[^>]*value=""[^>]*>Valitse palvelu</option>', select_html)
    assert select_html.index('value=""') < select_html.index("kela-benefits")
    assert '<optgroup label="Kela">' in select_html and '<optgroup label="Vero">' in select_html
    assert "selected" not in select_html
    # The day is empty, as its hint says: empty shows the next free times.
    day_input = re.search(r'<input[^>]*name="day"[^>]*>', page).group(0)
    assert 'value="2' not in day_input
    assert "Jätä tyhjäksi" in page


def test_forgetting_the_service_is_an_error_not_the_first_service(signed_in, staff_world):
    page, _data = step_one(signed_in("advisor_a"), service_id="", next_free="1")
    assert "Valitse aika" not in page
    assert 'href="#service_id">Palvelu: Valitse palvelu.</a>' in page
    assert 'autofocus id="error-summary"' in page


def test_later_times_go_on_after_the_first_eight(signed_in, staff_world):
    client = signed_in("advisor_a")
    page, data = step_one(client, service_id="kela-benefits", next_free="1")
    first = TIME_INPUT.findall(page)
    assert len(first) == 8
    assert "Myöhemmät ajat" in page
    after = AFTER_INPUT.search(page).group(1)
    assert after == first[-1]
    later = client.post("/desk/book", data={**data, "after": after}).get_data(as_text=True)
    second = TIME_INPUT.findall(later)
    assert len(second) == 8 and min(second) > max(first)


def test_a_form_sent_twice_books_once_and_both_land_on_the_booking(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    page, data = step_one(client, service_id="kela-benefits", next_free="1")
    confirm = {
        **data,
        "day": "",
        "starts_at": TIME_INPUT.findall(page)[0],
        "request_token": TOKEN_INPUT.search(page).group(1),
        "csrf_token": csrf_token_of(page),
    }
    first = client.post("/desk/book/confirm", data=confirm)
    second = client.post("/desk/book/confirm", data=confirm)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    shown = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Varattu. Varaustunnus" in shown and "juuri varattu" not in shown
    count = session.scalar(select(func.count()).where(Appointment.name == "Aino Asiakas"))
    session.commit()
    assert count == 1


def appointment_page(client, appointment) -> str:
    answer = client.get(f"/desk/appointments/{appointment.id}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def add_sms(session, appointment, kind: str, status: str) -> None:
    session.add(
        OutboxMessage(
            idempotency_key=f"test:{kind}",
            appointment_id=appointment.id,
            kind=kind,
            channel=MessageChannel.SMS,
            recipient=appointment.phone,
            status=status,
            due_at=NOW,
            created_at=NOW,
        )
    )
    session.commit()


def test_the_appointment_says_what_to_tell_the_caller_and_reads_out(
    signed_in, staff_world, session, factory
):
    appointment = staff_world.kela_at_a
    staff_world.point_a.phone = "014 0000107"
    session.commit()
    add_sms(factory.session, appointment, "reminder_morning", "pending")
    page = appointment_page(signed_in("advisor_a"), appointment)
    assert "Kirkkotie 1, 40100 TESTILÄ" in page  # the point's street address
    assert "Photo ID" not in page and "Henkilöllisyyden tarkistus" not in page
    assert "Pyydä ottamaan mukaan kuvallinen henkilöllisyystodistus." in page
    assert "Tekstiviesti, muistutus aamulla: odottaa" in page
    assert "reminder_morning" not in page
    read_out = page[page.index('class="card read-out" lang="fi"') :]
    assert "Mitä ottaa mukaan" in read_out and appointment.reference in read_out
    assert "soita numeroon 014 000 0107" in read_out  # the point's number, grouped
    # Cancelling is its own section at the end, behind a page that asks first.
    assert page.index("Luettavaksi asiakkaalle") < page.index('id="cancel-title"')
    assert "button-danger" not in page


def test_the_summary_goes_by_e_mail_through_the_outbox(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    appointment = staff_world.kela_at_a
    page = appointment_page(client, appointment)
    url = f"/desk/appointments/{appointment.id}/email-summary"
    data = {"csrf_token": csrf_token_of(page), "email": "aino@example.fi"}
    client.post(url, data=data)
    client.post(url, data=data)  # pressed twice: one message
    refused = client.post(url, data={**data, "email": "not an address"})
    assert "Tämä ei näytä sähköpostiosoitteelta." in client.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    sent = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "aino@example.fi")
    ).all()
    session.commit()
    assert [(m.kind.value, m.channel.value) for m in sent] == [("confirmation", "email")]
    assert session.scalar(select(func.count()).where(AuditEvent.action == "email_summary")) == 1
    session.commit()


def test_cancelling_asks_first_on_a_page_of_its_own(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    appointment = staff_world.kela_at_a
    asked = client.get(f"/desk/appointments/{appointment.id}/cancel").get_data(as_text=True)
    assert "Perutaanko aika?" in asked and "Kyllä, peru aika" in asked
    assert fresh(session, appointment).status is AppointmentStatus.BOOKED
    client.post(
        f"/desk/appointments/{appointment.id}/cancel",
        data={"csrf_token": csrf_token_of(asked), "back": "appointment"},
    )
    assert fresh(session, appointment).status is AppointmentStatus.CANCELLED


def test_the_last_digits_of_a_number_find_it_at_own_points_only(signed_in, staff_world, session):
    staff_world.kela_at_a.phone = "+358501239876"
    staff_world.kela_at_b.phone = "+358401119876"
    session.commit()
    page = signed_in("advisor_a").get("/desk/search?q=9876").get_data(as_text=True)
    assert "Maija Meikäläinen" in page and "050 123 9876" in page
    assert "Pekka Pouta" not in page  # point B's
    assert "Maija" in signed_in("advisor_a").get("/desk/search?q=123+98-76").get_data(as_text=True)
    assert "Maija" not in signed_in("advisor_a").get("/desk/search?q=876").get_data(as_text=True)


def test_check_in_opens_an_hour_before_the_start(signed_in, staff_world, session, clock):
    client = signed_in("advisor_a")
    appointment = staff_world.vero_at_a  # 13.00; it is 10.00
    page = appointment_page(client, appointment)
    assert "Merkitse saapuneeksi" not in page
    refused = client.post(
        f"/desk/appointments/{appointment.id}/check-in",
        data={"csrf_token": csrf_token_of(page), "back": "appointment"},
    )
    shown = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Saapuneeksi voi merkitä aikaisintaan 60 minuuttia ennen ajan alkua." in shown
    assert fresh(session, appointment).status is AppointmentStatus.BOOKED
    clock.set(appointment.starts_at - timedelta(minutes=60))  # signed in again, three hours on
    assert "Merkitse saapuneeksi" in appointment_page(signed_in("advisor_a"), appointment)


def test_a_refused_look_at_another_points_appointment_is_audited(
    signed_in, staff_world, session, clock
):
    clock.set(NOW + timedelta(seconds=7))
    answer = signed_in("advisor_b").get(f"/desk/appointments/{staff_world.kela_at_a.id}")
    assert answer.status_code == 404
    assert signed_in("advisor_b").get("/desk/testila").status_code == 403
    refused = session.execute(
        select(AuditEvent.user_id, AuditEvent.appointment_id, AuditEvent.detail).where(
            AuditEvent.action == "refused"
        )
    ).all()
    session.commit()
    advisor_b = staff_world.accounts["advisor_b"].id
    assert sorted(refused, key=str) == sorted(
        [
            (
                advisor_b,
                staff_world.kela_at_a.id,
                f"GET /desk/appointments/{staff_world.kela_at_a.id}",
            ),
            (advisor_b, None, "GET /desk/testila"),
        ],
        key=str,
    )
    log = signed_in("admin").get("/admin/audit").get_data(as_text=True)
    assert "Estetty: ei käyttäjän asiointipisteen" in log
    assert "ma 2.3.2026 klo 10.00.07" in log  # to the second


def test_the_expert_picks_a_day_with_a_date_field(signed_in, staff_world):
    page = signed_in("expert_kela").get("/expert/?day=2026-03-04").get_data(as_text=True)
    assert '<input type="date" id="day-field" name="day" value="2026-03-04">' in page


@pytest.mark.parametrize(
    ("language", "check_in", "photo_id", "message"),
    [
        (
            "fi",
            "Merkitse saapuneeksi",
            "Pyydä ottamaan mukaan kuvallinen",
            "Tekstiviesti, varausvahvistus",
        ),
        (
            "sv",
            "Markera som anländ",
            "Be kunden ta med en fotolegitimation.",
            "Sms, bokningsbekräftelse",
        ),
        ("en", "Check in", "Ask them to bring a photo ID.", "Text message, booking confirmation"),
    ],
)
def test_the_appointment_speaks_the_advisors_language(
    signed_in, staff_world, factory, language, check_in, photo_id, message
):
    appointment = staff_world.kela_at_a  # 11.00; it is 10.00: check-in is open
    add_sms(factory.session, appointment, "confirmation", "sent")
    client = signed_in("advisor_a")
    page = client.get(f"/desk/appointments/{appointment.id}?lang={language}").get_data(as_text=True)
    assert f">{check_in}</button>" in page
    assert photo_id in page
    assert message in page
