"""Citizen e-mail and expert agenda: language, parts, the attached invite."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime
from email import policy

import vobject

from notifications.content import AgendaFacts, AgendaItem
from notifications.email import build_agenda_email, build_appointment_email
from tests.notifications.sample import STAMP, facts

SENDER = "etavaraus@keskisuomi.invalid"


def reparse(message):
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def test_confirmation_email_in_swedish_with_text_html_and_request_invite():
    message = reparse(build_appointment_email(facts(language="sv"), sender=SENDER, stamp=STAMP))
    assert message["To"] == "maija@example.org"
    assert message["Subject"] == "Bokningsbekräftelse: Kela mån 30.3.2026 kl. 10.00"
    assert message["Content-Language"] == "sv"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hej Maija Meikäläinen," in text
    assert "Tid: mån 30.3.2026 kl. 10.00–10.30" in text
    assert "https://varaa.test/m/Qx7Tb3LwZr9pKd2s" in text
    assert '<html lang="sv">' in html
    [invite] = [part for part in message.iter_attachments()]
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    calendar = vobject.readOne(invite.get_content())
    assert calendar.method.value == "REQUEST"
    assert calendar.vevent.dtstart.value.hour == 10


def test_cancellation_email_carries_a_cancel_invite_and_no_manage_link():
    message = reparse(
        build_appointment_email(facts(kind="cancelled", sequence=3), sender=SENDER, stamp=STAMP)
    )
    assert message["Subject"] == "Aikasi on peruttu: Kela ma 30.3.2026 klo 10.00"
    [invite] = list(message.iter_attachments())
    assert invite.get_param("method") == "CANCEL"
    calendar = vobject.readOne(invite.get_content())
    assert (calendar.method.value, calendar.vevent.sequence.value) == ("CANCEL", "3")
    assert "Qx7Tb3" not in message.get_body(("plain",)).get_content()


def test_html_escapes_what_the_citizen_typed():
    message = build_appointment_email(
        facts(citizen_name="<script>alert(1)</script>"), sender=SENDER, stamp=STAMP
    )
    html = reparse(message).get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_agenda_lists_calls_in_helsinki_time_without_contact_details():
    agenda = AgendaFacts(
        language="fi",
        expert_name="Anna Asiantuntija",
        expert_email="anna@kela.invalid",
        day=date(2026, 3, 30),
        items=(
            AgendaItem(
                starts_at=datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
                ends_at=datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
                reference="K7M4QX",
                service_name="Etuusneuvonta",
                point_name="Keuruun asiointipiste",
                room_name="Etähuone 1",
                language="sv",
                meeting_link="https://video.kela.invalid/K7M4QX",
            ),
        ),
    )
    message = reparse(build_agenda_email(agenda, sender=SENDER, stamp=STAMP))
    assert message["Subject"] == "Päivän etäasiointiajat ma 30.3.2026"
    text = message.get_body(("plain",)).get_content()
    assert "10.00–10.30 | Etuusneuvonta | Keuruun asiointipiste, Etähuone 1 | K7M4QX" in text
    assert "https://video.kela.invalid/K7M4QX" in message.get_body(("html",)).get_content()


def test_the_service_s_own_things_to_bring_are_listed_a_line_each_but_not_on_cancellation():
    bring = "Viimeisin päätös\nTiliote"
    booked = reparse(
        build_appointment_email(facts(what_to_bring=bring), sender=SENDER, stamp=STAMP)
    )
    text = booked.get_body(("plain",)).get_content()
    assert "Viimeisin päätös\nTiliote\n" in text
    assert "<p>Tiliote</p>" in booked.get_body(("html",)).get_content()
    cancelled = build_appointment_email(
        facts(kind="cancelled", what_to_bring=bring), sender=SENDER, stamp=STAMP
    )
    assert "Tiliote" not in reparse(cancelled).get_body(("plain",)).get_content()
