"""The advisor's desk: the day per room, check-in, no-show, cancel, move, booking for a caller."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from booking.appointments import lifecycle as appointments
from booking.data.audit_models import AuditEvent
from booking.data.availability import free_times
from booking.data.enums import (
    AppointmentStatus,
    BookingChannel,
    MessageChannel,
    MessageKind,
    MessageStatus,
)
from booking.data.models import Appointment, OutboxMessage
from booking.desk import booking_views
from tests.factories import NOW
from tests.staff.conftest import fresh
from tests.write_lock import write_from_elsewhere

TUESDAY = "2026-03-03"
TUESDAY_NINE = "2026-03-03T07:00:00+00:00"  # 09:00 Helsinki


def day_page(client, point_id: str = "testila", day: str = "2026-03-02") -> str:
    answer = client.get(f"/desk/{point_id}?day={day}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_day_lists_each_room_in_time_order_with_the_citizen(signed_in, staff_world, session):
    staff_world.kela_at_a.interpreter_language = "arabia"
    session.commit()
    page = day_page(signed_in("advisor_a"))
    assert "Etähuone 1" in page
    assert page.index("Maija Meikäläinen") < page.index("Veera Virta")  # 11:00 before 13:00
    assert "11.00–11.30" in page  # Finnish writes times with a period
    assert staff_world.kela_at_a.phone[4:] in page.replace(" ", "")  # 040 … as written
    assert "Tulkki: arabia" in page
    assert "Varattu" in page
    assert "Pekka Pouta" not in page  # point B's appointment


def test_failed_sms_is_highlighted(signed_in, staff_world, session):
    session.add(
        OutboxMessage(
            idempotency_key="test:failed",
            appointment_id=staff_world.kela_at_a.id,
            kind=MessageKind.CONFIRMATION,
            channel=MessageChannel.SMS,
            recipient=staff_world.kela_at_a.phone,
            status=MessageStatus.FAILED,
            due_at=NOW,
            created_at=NOW,
        )
    )
    session.commit()
    page = day_page(signed_in("advisor_a"))
    assert '<strong class="status-failed">Tekstiviesti ei mennyt perille</strong>' in page


def test_viewing_the_day_is_audited_per_appointment(signed_in, staff_world, session):
    day_page(signed_in("advisor_a"))
    seen = session.scalars(
        select(AuditEvent.appointment_id).where(AuditEvent.action == "view_desk_day")
    ).all()
    session.commit()
    assert sorted(seen) == sorted([staff_world.kela_at_a.id, staff_world.vero_at_a.id])


def test_check_in_marks_the_citizen_arrived(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    answer = client.post(f"/desk/appointments/{staff_world.kela_at_a.id}/check-in")
    assert answer.status_code == 302
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.ARRIVED
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Ilmoittautuminen tehty" in page
    audited = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "check_in")
    )
    session.commit()
    assert audited == 1


def test_no_show_is_refused_before_the_start_and_taken_after(
    signed_in, staff_world, session, clock
):
    client = signed_in("advisor_a")
    path = f"/desk/appointments/{staff_world.kela_at_a.id}/no-show"
    client.post(path)
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.BOOKED
    clock.set(staff_world.kela_at_a.starts_at + timedelta(minutes=20))
    client = signed_in("advisor_a")  # hours later: the first session has ended (idle)
    client.post(path)
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.NO_SHOW


def test_cancel_notifies_the_citizen(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    client.post(
        f"/desk/appointments/{staff_world.kela_at_a.id}/cancel", data={"reason": "sairastui"}
    )
    appointment = fresh(session, staff_world.kela_at_a)
    assert appointment.status is AppointmentStatus.CANCELLED
    kinds = session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.appointment_id == appointment.id)
    ).all()
    session.commit()
    assert MessageKind.CANCELLED in kinds


def test_move_offers_free_times_and_moves(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    path = f"/desk/appointments/{staff_world.kela_at_a.id}/move"
    page = client.get(f"{path}?day={TUESDAY}").get_data(as_text=True)
    assert f'value="{TUESDAY_NINE}"' in page
    answer = client.post(f"{path}?day={TUESDAY}", data={"starts_at": TUESDAY_NINE})
    assert answer.status_code == 302
    moved = fresh(session, staff_world.kela_at_a)
    assert moved.starts_at.isoformat() == TUESDAY_NINE
    assert moved.revision == 1


def test_desk_move_offers_times_overlapping_the_appointment_s_own(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    path = f"/desk/appointments/{staff_world.kela_at_a.id}/move"  # Maija, 11:00 Monday
    page = client.get(f"{path}?day=2026-03-02").get_data(as_text=True)
    eleven_fifteen = "2026-03-02T09:15:00+00:00"  # ends 11:45 as Kela's expert leaves for B
    assert f'value="{eleven_fifteen}"' in page
    assert 'value="2026-03-02T09:30:00+00:00"' not in page  # the expert is at B from 12:00
    assert 'value="2026-03-02T08:15:00+00:00"' in page  # 10:15: no notice at the desk
    answer = client.post(f"{path}?day=2026-03-02", data={"starts_at": eleven_fifteen})
    assert answer.status_code == 302
    assert fresh(session, staff_world.kela_at_a).starts_at.isoformat() == eleven_fifteen


def test_desk_move_to_a_taken_time_searches_no_alternatives_it_would_not_show(
    signed_in, staff_world, factory, monkeypatch
):
    factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=datetime.fromisoformat(TUESDAY_NINE),
        name="Nopeampi Soittaja",
    )
    searched = []
    monkeypatch.setattr(appointments, "nearby_alternatives", lambda *a, **k: searched.append(a))
    path = f"/desk/appointments/{staff_world.kela_at_a.id}/move?day={TUESDAY}"
    page = signed_in("advisor_a").post(path, data={"starts_at": TUESDAY_NINE})
    assert "Valitettavasti tämä aika ehdittiin juuri varata." in page.get_data(as_text=True)
    assert searched == []


def caller(**overrides):
    data = {
        "phone": "040 123 4567",
        "name": "Aino Asiakas",
        "point_id": "testila",
        "service_id": "kela-benefits",
        "day": TUESDAY,
        "language": "fi",
        "email": "",
        "interpreter_language": "",
        "needs": "",
    }
    data.update(overrides)
    return data


def book_in_two_submissions(client, **overrides):
    times = client.post("/desk/book", data=caller(**overrides))  # submission 1
    assert times.status_code == 200
    assert f'value="{TUESDAY_NINE}"' in times.get_data(as_text=True)
    data = caller(**overrides) | {"starts_at": TUESDAY_NINE, "topic": "housing"}
    return client.post("/desk/book/confirm", data=data)  # submission 2


def test_booking_for_a_caller_takes_two_submissions(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    answer = book_in_two_submissions(client)
    assert answer.status_code == 302
    booked = session.scalar(select(Appointment).where(Appointment.name == "Aino Asiakas"))
    session.commit()
    assert booked.channel is BookingChannel.DESK
    assert booked.booked_by_user_id == staff_world.accounts["advisor_a"].id
    assert booked.phone == "+358401234567"
    assert booked.topic == "housing"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Varattu. Varaustunnus {booked.reference}." in page


def sms_recipients(session, appointment) -> list[str]:
    recipients = session.scalars(
        select(OutboxMessage.recipient).where(
            OutboxMessage.appointment_id == appointment.id,
            OutboxMessage.channel == MessageChannel.SMS,
        )
    ).all()
    session.commit()
    return list(recipients)


def test_landline_caller_gets_a_slip_instead_of_an_sms(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    answer = book_in_two_submissions(client, phone="014 123 4567")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Asiakas ei saa tekstiviestiä" in page
    booked = session.scalar(select(Appointment).where(Appointment.name == "Aino Asiakas"))
    assert sms_recipients(session, booked) == []
    assert "Ei tekstiviestiä (tulostettu lappu)" in day_page(client, day=TUESDAY)
    slip = client.get(f"/desk/appointments/{booked.id}/slip").get_data(as_text=True)
    assert booked.reference in slip
    assert "Kirkkotie 1" in slip
    assert "Ota mukaan kuvallinen henkilöllisyystodistus." in slip


def test_caller_with_a_foreign_mobile_gets_the_sms(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    answer = book_in_two_submissions(client, phone="+46 70 123 45 67")  # a Swedish mobile
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Asiakas ei saa tekstiviestiä" not in page
    booked = session.scalar(select(Appointment).where(Appointment.name == "Aino Asiakas"))
    assert "+46701234567" in sms_recipients(session, booked)
    day = day_page(client, day=TUESDAY)
    assert "Tekstiviesti odottaa lähetystä" in day
    assert "Ei tekstiviestiä" not in day


def test_caller_without_any_number_can_be_booked(signed_in, staff_world, session):
    answer = book_in_two_submissions(signed_in("advisor_a"), phone="")
    assert answer.status_code == 302
    booked = session.scalar(select(Appointment).where(Appointment.name == "Aino Asiakas"))
    session.commit()
    assert booked.phone is None


def test_next_free_time_now_offers_the_nearest_grid_time_without_notice(
    signed_in, staff_world, clock
):
    clock.set(NOW + timedelta(minutes=5))  # 10:05; the service asks 60 minutes' notice online
    page = signed_in("advisor_a").post("/desk/book", data=caller(next_free="1", day=""))
    text = page.get_data(as_text=True)
    assert "Seuraavat vapaat ajat" in text
    assert 'value="2026-03-02T08:15:00+00:00" checked' in text  # 10:15, the next grid time
    assert 'value="2026-03-02T08:00:00+00:00"' not in text  # 10:00 has passed
    # The room holds Maija 11:00–11:45 and Veera 13:00–13:45 (buffers included), and
    # Kela's one expert is at point B 12:00–12:45: after 10:15 the next free start is 13:45.
    assert 'value="2026-03-02T08:30:00+00:00"' not in text
    assert 'value="2026-03-02T11:45:00+00:00"' in text


def test_a_walk_in_is_booked_fifteen_minutes_from_now(signed_in, staff_world, session):
    soon = "2026-03-02T08:15:00+00:00"  # 10:15, NOW being 10:00
    client = signed_in("advisor_a")
    data = caller(day="") | {"starts_at": soon, "topic": "housing"}
    answer = client.post("/desk/book/confirm", data=data)
    assert answer.status_code == 302
    booked = session.scalar(select(Appointment).where(Appointment.name == "Aino Asiakas"))
    session.commit()
    assert booked.starts_at.isoformat() == soon
    assert booked.channel is BookingChannel.DESK


def test_bad_phone_number_is_named_and_nothing_is_booked(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    page = client.post("/desk/book", data=caller(phone="12"))
    assert page.status_code == 200
    assert 'aria-invalid="true"' in page.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Appointment)) == 3
    session.commit()


def test_search_by_phone_name_or_reference(signed_in, staff_world):
    client = signed_in("advisor_a")
    appointment = staff_world.kela_at_a
    national = "0" + appointment.phone.removeprefix("+358")
    for query in (national, "meikä", appointment.reference.lower()):
        page = client.get(f"/desk/search?q={query}").get_data(as_text=True)
        assert "Maija Meikäläinen" in page, query


def test_day_sheet_prints_the_day(signed_in, staff_world):
    page = signed_in("advisor_a").get("/desk/testila/day-sheet?day=2026-03-02")
    text = page.get_data(as_text=True)
    assert "Maija Meikäläinen" in text
    assert "print.js" in text


def test_admin_sees_every_point_s_desk(signed_in, staff_world):
    client = signed_in("admin")
    assert "Pekka Pouta" in day_page(client, "toinen")
    assert "Maija Meikäläinen" in day_page(client, "testila")


def test_time_taken_meanwhile_gets_a_calm_answer_and_fresh_times(signed_in, staff_world, factory):
    client = signed_in("advisor_a")
    assert client.post("/desk/book", data=caller()).status_code == 200
    factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=datetime.fromisoformat(TUESDAY_NINE),
        name="Nopeampi Soittaja",
    )
    page = client.post("/desk/book/confirm", data=caller() | {"starts_at": TUESDAY_NINE})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Valitettavasti tämä aika ehdittiin juuri varata." in text
    assert f'value="{TUESDAY_NINE}"' not in text  # the taken time is no longer offered


def test_fresh_times_after_a_refusal_are_looked_up_with_no_write_lock_held(
    signed_in, staff_world, factory, engine, monkeypatch
):
    client = signed_in("advisor_a")
    assert client.post("/desk/book", data=caller()).status_code == 200
    factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=datetime.fromisoformat(TUESDAY_NINE),
        name="Nopeampi Soittaja",
    )
    searched = []

    def searching(*args, **kwargs):
        times = free_times(*args, **kwargs)
        write_from_elsewhere(engine)  # another booking is not kept waiting meanwhile
        searched.append(args[1:3])
        return times

    monkeypatch.setattr(booking_views, "free_times", searching)
    page = client.post("/desk/book/confirm", data=caller() | {"starts_at": TUESDAY_NINE})
    assert "Valitettavasti tämä aika ehdittiin juuri varata." in page.get_data(as_text=True)
    assert searched == [("testila", "kela-benefits")]


def test_next_free_times_are_looked_up_with_no_write_lock_held(
    signed_in, staff_world, engine, monkeypatch
):
    client = signed_in("advisor_a")
    searched = []

    def searching(*args, **kwargs):
        times = free_times(*args, **kwargs)
        write_from_elsewhere(engine)  # a booking elsewhere is not kept waiting meanwhile
        searched.append(args[1:3])
        return times

    monkeypatch.setattr(booking_views, "free_times", searching)
    page = client.post("/desk/book", data=caller(next_free="1", day=""))
    assert "Seuraavat vapaat ajat" in page.get_data(as_text=True)
    assert searched == [("testila", "kela-benefits")]


def test_slip_speaks_the_citizen_s_language(signed_in, staff_world, session):
    staff_world.kela_at_a.language = "sv"
    session.commit()
    slip = signed_in("advisor_a").get(f"/desk/appointments/{staff_world.kela_at_a.id}/slip")
    text = slip.get_data(as_text=True)
    assert '<html lang="sv">' in text
    assert "Ta med fotolegitimation." in text


def test_refused_change_writes_no_audit_event(signed_in, staff_world, session):
    client = signed_in("advisor_a")
    client.post(f"/desk/appointments/{staff_world.kela_at_a.id}/cancel")
    page = client.post(
        f"/desk/appointments/{staff_world.kela_at_a.id}/check-in", follow_redirects=True
    )
    assert "Tätä aikaa ei voi enää muuttaa näin." in page.get_data(as_text=True)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.appointment_id == staff_world.kela_at_a.id)
    ).all()
    session.commit()
    assert "cancel" in actions and "check_in" not in actions


def test_day_follows_helsinki_midnight_across_the_clock_change(signed_in, staff_world, factory):
    # Sunday 29 March 2026: clocks go from 03:00 to 04:00; the day is 23 hours long.
    early = factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=datetime.fromisoformat("2026-03-28T22:30:00+00:00"),  # 00:30 on the 29th
        name="Aamu Varhainen",
    )
    factory.appointment(
        point=staff_world.point_a,
        service=staff_world.kela,
        starts_at=datetime.fromisoformat("2026-03-29T21:30:00+00:00"),  # 00:30 on the 30th
        name="Huomis Myöhäinen",
    )
    page = day_page(signed_in("advisor_a"), day="2026-03-29")
    assert early.name in page and "0.30–1.00" in page
    assert "Huomis Myöhäinen" not in page


def test_cancel_reason_with_markup_is_refused_by_name(signed_in, staff_world, session):
    page = signed_in("advisor_a").post(
        f"/desk/appointments/{staff_world.kela_at_a.id}/cancel",
        data={"reason": "<script>alert(1)</script>", "back": "appointment"},
        follow_redirects=True,
    )
    assert "Jätä pois merkit &lt; ja &gt;." in page.get_data(as_text=True)
    assert fresh(session, staff_world.kela_at_a).status is AppointmentStatus.BOOKED
