"""The accessibility statement's feedback: sent without JavaScript, refused clearly when bad,
kept, listed for the region's administrators; the sender learns where answers come from."""

from __future__ import annotations

import pytest

from booking.data.feedback_models import AccessibilityFeedback
from tests.staff.conftest import csrf_token_of

CONTACT = "kirjaamo@keskisuomi.invalid"
GOOD = {
    "message": "Ajan valinnan painikkeet ovat\nliian pienet ruudunsuurentajalla.",
    "page": "Ajan valinta",
    "reply_to": "Aino.Asiakas@example.fi",
}


def stored(session) -> list[AccessibilityFeedback]:
    rows = session.query(AccessibilityFeedback).order_by(AccessibilityFeedback.id).all()
    session.commit()
    return rows


def test_the_statement_has_a_labelled_feedback_form(client):
    html = client.get("/accessibility?lang=en").get_data(as_text=True)
    assert 'action="/accessibility/feedback"' in html
    for label in (
        "What did you notice, or what do you need?",
        "Which page or part of the service? (optional)",
        "Your e-mail address, if you want an answer (optional)",
    ):
        assert label in html
    assert f'href="mailto:{CONTACT}"' in html


def test_sent_feedback_is_kept_and_the_sender_is_told_where_answers_come_from(
    client, session, clock
):
    answer = client.post("/accessibility/feedback?lang=fi", data=GOOD)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/accessibility/feedback/sent")
    thanks = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Kiitos palautteestasi" in thanks
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in thanks
    [row] = stored(session)
    assert row.message == GOOD["message"] and row.page == "Ajan valinta"
    assert row.reply_to == "Aino.Asiakas@example.fi" and row.language == "fi"
    assert row.received_at == clock.now


@pytest.mark.parametrize(
    ("language", "data", "message"),
    [
        ("en", {"message": "   "}, "Please write what you noticed or what you need."),
        ("fi", {"message": ""}, "Kirjoita, mitä huomasit tai mitä tarvitset."),
        ("sv", {"message": "Hej", "reply_to": "inte-en-adress"}, "ser inte ut som en e-postadress"),
        ("en", {"message": "<script>alert(1)</script>"}, "Please leave out the characters"),
        ("en", {"message": "x" * 2001}, "This text is too long."),
        ("en", {"message": "ok", "page": "a\u202eb"}, "invisible formatting characters"),
    ],
)
def test_bad_feedback_is_refused_in_the_users_language_and_nothing_is_kept(
    client, session, language, data, message
):
    answer = client.post(f"/accessibility/feedback?lang={language}", data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in html
    assert 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert stored(session) == []


def test_feedback_needs_the_forms_csrf_token(app, client, session):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/accessibility/feedback", data=GOOD).status_code == 400
    token = csrf_token_of(client.get("/accessibility").get_data(as_text=True))
    answer = client.post("/accessibility/feedback", data=GOOD | {"csrf_token": token})
    assert answer.status_code == 303
    assert len(stored(session)) == 1


def test_feedback_is_rate_limited(database_url, session):
    from booking.app import create_app
    from tests.conftest import test_settings

    limited = create_app(
        test_settings(
            database_url,
            RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_FEEDBACK="2 per hour",
        )
    )
    try:
        client = limited.test_client()
        answers = [client.post("/accessibility/feedback", data=GOOD).status_code for _ in range(3)]
        assert answers == [303, 303, 429]
        assert len(stored(session)) == 2
    finally:
        limited.extensions["booking.engine"].dispose()


def test_the_region_admin_reads_the_feedback_newest_first(client, signed_in, session, clock):
    client.post("/accessibility/feedback?lang=sv", data={"message": "Första"})
    clock.move(minutes=5)
    client.post("/accessibility/feedback?lang=fi", data=GOOD)
    admin = signed_in("admin")
    html = admin.get("/admin/feedback?lang=en").get_data(as_text=True)
    assert "2 messages in all." in html
    assert html.index("liian pienet") < html.index("Första")
    assert 'href="mailto:Aino.Asiakas@example.fi"' in html
    assert "No address given" in html
    assert f"answers come from {CONTACT}" in html
    assert 'href="/admin/feedback"' in html  # in the staff menu


@pytest.mark.parametrize("key", ["advisor_a", "admin_b", "council", "expert_kela"])
def test_other_staff_do_not_see_the_feedback(signed_in, key):
    assert signed_in(key).get("/admin/feedback").status_code == 403


def test_the_feedback_page_needs_a_sign_in(client):
    answer = client.get("/admin/feedback")
    assert answer.status_code == 302 and "/staff/sign-in" in answer.headers["Location"]
