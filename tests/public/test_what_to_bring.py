"""A service's own "what to bring" text reaches the citizen: on the service's booking
page, the review, the confirmation and the confirmation e-mail, in her language (in
Finnish, marked as such, when her language has none)."""

from __future__ import annotations

import email
from email import policy

from sqlalchemy import select

from booking.data.models import Appointment, Service
from booking.messages.facts import appointment_facts
from notifications.email import build_appointment_email
from tests.notifications.sample import STAMP
from tests.public.booking_steps import book_token, details

FINNISH = "Viimeisin Kelan päätös\nTiliote kolmelta kuukaudelta"
SWEDISH = "FPA:s senaste beslut"


def with_texts(session) -> None:
    service = session.get(Service, "kela-benefits")
    service.what_to_bring_fi, service.what_to_bring_sv = FINNISH, SWEDISH
    session.commit()


def test_the_service_s_booking_page_lists_each_line_in_finnish_for_an_english_reader(
    client, region, session
):
    with_texts(session)
    page = client.get("/book/testila/kela-benefits?lang=en").get_data(as_text=True)
    assert '<li lang="fi">Viimeisin Kelan päätös</li>' in page
    assert '<li lang="fi">Tiliote kolmelta kuukaudelta</li>' in page


def test_the_review_and_the_confirmation_show_the_text_in_swedish(client, region, session):
    with_texts(session)
    client.post("/book/details?lang=sv", data=details(language="sv"))
    review = client.get(
        "/book/review?point=testila&service=kela-benefits&start=2026-03-03T10:00%2B02:00&lang=sv"
    ).get_data(as_text=True)
    assert f"<li>{SWEDISH}</li>" in review
    token = book_token(client, language="sv")
    confirmed = client.get(f"/manage/{token}/confirmed?lang=sv").get_data(as_text=True)
    assert f"<li>{SWEDISH}</li>" in confirmed


def test_without_a_text_only_the_usual_advice_is_shown(client, region):
    page = client.get("/book/testila/kela-benefits?lang=en").get_data(as_text=True)
    assert "What to bring" in page and "<li lang=" not in page and "<li></li>" not in page


def test_the_confirmation_e_mail_carries_the_text_in_the_citizen_s_language(
    client, region, session
):
    with_texts(session)
    book_token(client, language="sv", email="maija@example.org")
    appointment = session.scalars(select(Appointment)).one()
    facts = appointment_facts(appointment, kind="confirmation", organizer_email="etavaraus@test")
    session.rollback()
    assert facts.what_to_bring == SWEDISH
    message = email.message_from_bytes(
        build_appointment_email(facts, sender="etavaraus@test", stamp=STAMP).as_bytes(),
        policy=policy.default,
    )
    assert SWEDISH in message.get_body(("plain",)).get_content()
    assert f"<p>{SWEDISH}</p>" in message.get_body(("html",)).get_content()
