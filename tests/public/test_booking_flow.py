"""The citizen's booking flow through the pages: choices, details, review, confirmation,
and every kind of bad input refused on its field without writing anything."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.appointments.lifecycle import nearby_alternatives
from booking.public import booking_views
from tests.public.booking_steps import START, book, book_token, details, stored_counts
from tests.write_lock import write_from_elsewhere


def page_text(answer) -> str:
    return answer.get_data(as_text=True)


def test_service_page_lists_the_services_offered_at_the_point(client, region, factory):
    factory.service("vero-tax", agency="vero", name_en="Tax card", points=("testila",))
    factory.point("muurame")
    factory.service("dvv-estates", agency="dvv", name_en="Estates", points=("muurame",))
    text = page_text(client.get("/book/testila?lang=en"))
    assert "Tax card" in text
    assert "kela-benefits" in text
    assert "Estates" not in text


def test_unknown_point_or_service_is_not_found(client, region):
    assert client.get("/book/nowhere?lang=en").status_code == 404
    assert client.get("/book/testila/no-such-service?lang=en").status_code == 404
    assert client.get("/book/testila/kela-benefits/2026-02-30?lang=en").status_code == 404
    assert client.get("/book/testila/kela-benefits/tomorrow?lang=en").status_code == 404
    assert client.get("/book/testila/kela-benefits?month=junk&lang=en").status_code == 200


def test_month_links_only_days_with_free_times(client, region, factory):
    factory.closure("testila", date(2026, 3, 4), reason="Staff training")
    text = page_text(client.get("/book/testila/kela-benefits?month=2026-03&lang=en"))
    assert "March 2026" in text
    assert 'href="/book/testila/kela-benefits/2026-03-03"' in text
    # Saturday, a closed Wednesday and past days are plain text, not links.
    assert "/book/testila/kela-benefits/2026-03-07" not in text
    assert "/book/testila/kela-benefits/2026-03-04" not in text
    assert "/book/testila/kela-benefits/2026-03-01" not in text
    assert 'aria-current="step"' in text


def test_month_outside_the_horizon_shows_the_last_bookable_month(client, region):
    text = page_text(client.get("/book/testila/kela-benefits?month=2027-12&lang=en"))
    assert "May 2026" in text


def test_day_lists_free_times_in_helsinki_time(client, region):
    text = page_text(client.get("/book/testila/kela-benefits/2026-03-03?lang=fi"))
    assert ">9.00<" in text
    assert "09.00" not in text
    assert "14.30" in text
    assert "14.45" not in text  # a 30-minute call must end by 15.00
    assert "start=2026-03-03T09:00%2B02:00" in text


def test_day_after_the_spring_clock_change_is_in_summer_time(client, region):
    text = page_text(client.get("/book/testila/kela-benefits/2026-03-30?lang=en"))
    assert "09:00" in text
    assert "start=2026-03-30T09:00%2B03:00" in text


def test_citizen_books_through_details_review_and_confirm(client, region, session):
    start = START.replace("+", "%2B")
    form = page_text(
        client.get(f"/book/details?point=testila&service=kela-benefits&start={start}&lang=en")
    )
    assert "Your name" in form and "Mobile number" in form
    assert "identity code" in form  # the privacy notice says it is not asked
    sent = client.post("/book/details?lang=en", data=details(email="maija@example.fi"))
    assert sent.status_code == 303  # post/redirect/get: Back and Reload never resend the form
    assert sent.headers["Location"].startswith("/book/review?point=testila")
    review = client.get(sent.headers["Location"])
    assert review.status_code == 200
    assert "Check your booking" in page_text(review)
    assert "040 123 4567" in page_text(review)
    assert review.headers["Cache-Control"] == "no-store"
    assert stored_counts(session) == (0, 0)  # the review writes nothing

    token = book_token(client, email="maija@example.fi")
    appointments, messages = stored_counts(session)
    assert appointments == 1 and messages >= 1
    confirmation = page_text(client.get(f"/manage/{token}/confirmed?lang=en"))
    assert "Your appointment is booked" in confirmation
    assert "10:00–10:30" in confirmation
    assert "Kirkkotie 1, 40100 TESTILA" in confirmation
    assert "Etähuone 1" in confirmation
    assert "photo ID" in confirmation
    assert f"/manage/{token}/calendar.ics" in confirmation
    assert f"http://booking.test/manage/{token}" in confirmation


def test_change_details_from_the_review_keeps_what_was_typed(client, region):
    answer = client.post(
        "/book/details?lang=en", data={**details(name="Anna Virtanen"), "edit": "1"}
    )
    assert answer.status_code == 200
    assert 'value="Anna Virtanen"' in page_text(answer)
    assert "Please check the following" not in page_text(answer)


BAD_INPUT = [
    pytest.param({"phone": "014 123 4567"}, "Mobile number", id="landline"),
    pytest.param({"phone": "049 123 4567"}, "Mobile number", id="049"),
    pytest.param({"phone": "not a number!"}, "Mobile number", id="garbage-phone"),
    pytest.param({"phone": "040 " + "1" * 40}, "Mobile number", id="phone-too-long"),
    pytest.param({"name": "A" * 121}, "Your name", id="name-too-long"),
    pytest.param({"name": ""}, "Your name", id="no-name"),
    pytest.param({"email": "maija@"}, "E-mail address", id="bad-email"),
    pytest.param({"email": "m" * 250 + "@example.fi"}, "E-mail address", id="email-too-long"),
    pytest.param({"needs": "x" * 501}, "Accessibility or other needs", id="needs-too-long"),
    pytest.param({"interpreter_language": "y" * 41}, "Interpreter", id="interpreter-too-long"),
    pytest.param({"topic": "no-such-topic"}, "What is it about?", id="unknown-topic"),
    pytest.param({"language": "de"}, "Language of the meeting", id="unknown-language"),
    pytest.param({"start": "2026-03-02T09:00+02:00"}, "Time", id="past-time"),
    pytest.param({"start": "2026-03-03T10:07+02:00"}, "Time", id="off-the-grid"),
    pytest.param({"start": "2026-03-07T10:00+02:00"}, "Time", id="closed-saturday"),
    pytest.param({"start": "2026-03-03T16:00+02:00"}, "Time", id="after-closing"),
    pytest.param({"start": "2027-03-03T10:00+02:00"}, "Time", id="too-far-ahead"),
    pytest.param({"start": "tomorrow at ten"}, "Time", id="garbage-time"),
    pytest.param({"service": "vero-tax"}, "Service", id="service-not-offered"),
    pytest.param({"point": "nowhere"}, "Service point", id="unknown-point"),
]


@pytest.mark.parametrize(("bad", "field_label"), BAD_INPUT)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(
    client, region, factory, session, bad, field_label
):
    factory.point("muurame")
    factory.service("vero-tax", agency="vero", points=("muurame",))
    for step in ("/book/details?lang=en", "/book/confirm?lang=en"):
        answer = client.post(step, data=details(**bad))
        text = page_text(answer)
        assert answer.status_code == 422, step
        assert "Please check the following" in text
        assert f"{field_label}" in text.split('id="error-summary"', 1)[1].split("</ul>")[0]
    assert stored_counts(session) == (0, 0)


def test_closed_day_by_closure_is_refused(client, region, factory, session):
    factory.closure("testila", date(2026, 3, 3), reason="Strike")
    answer = book(client)
    assert answer.status_code == 422
    assert "closed" in page_text(answer)
    assert stored_counts(session) == (0, 0)


@pytest.mark.parametrize(
    ("field", "payload"),
    [
        ("name", "<script>alert('x')</script>"),
        ("needs", '<img src=x onerror="alert(1)">'),
        ("interpreter_language", "</textarea><script>alert(1)</script>"),
        ("email", '"><script>alert(1)</script>@example.fi'),
    ],
)
def test_markup_payloads_are_refused_and_shown_escaped(client, region, session, field, payload):
    answer = book(client, **{field: payload})
    text = page_text(answer)
    assert answer.status_code == 422
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert "&lt;" in text or "&#34;&gt;" in text or "&gt;" in text
    assert stored_counts(session) == (0, 0)


def test_errors_are_in_the_users_language(client, region):
    text = page_text(book(client, lang="fi", phone="014 123 4567"))
    assert "Tarkista seuraavat" in text
    assert "Matkapuhelinnumero" in text
    assert "matkapuhelinnumero" in text.lower()


def test_a_time_fifteen_minutes_from_now_is_too_soon_online(client, region, session):
    answer = book(client, start="2026-03-02T10:15+02:00")  # NOW is 10:00; 60 minutes' notice
    assert answer.status_code == 422
    assert "This time is too soon to book. Please choose a later time." in page_text(answer)
    assert stored_counts(session) == (0, 0)


def test_a_time_just_taken_offers_the_nearest_free_times_here_and_elsewhere(
    client, region, factory, session
):
    factory.point("muurame", name="Muurame")
    factory.offer("muurame", "kela-benefits")
    taken_at = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    factory.appointment(point=region["point"], service=region["service"], starts_at=taken_at)
    answer = book(client, name="Toinen Asiakas", phone="050 765 4321")
    text = page_text(answer)
    assert answer.status_code == 409
    assert "This time was just taken" in text
    assert "Nothing was booked for you" in text
    assert "Muurame service point" in text  # another point offering the service
    assert 'name="alternative" value="testila 2026-03-03T' in text
    assert stored_counts(session)[0] == 1  # only the earlier booking


def test_alternatives_are_looked_up_with_no_write_lock_held(
    client, region, factory, engine, monkeypatch
):
    taken_at = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    factory.appointment(point=region["point"], service=region["service"], starts_at=taken_at)
    searched = []

    def searching(*args, **kwargs):
        alternatives = nearby_alternatives(*args, **kwargs)
        write_from_elsewhere(engine)  # another booking is not kept waiting meanwhile
        searched.append(kwargs["now"])
        return alternatives

    monkeypatch.setattr(booking_views, "nearby_alternatives", searching)
    answer = book(client, name="Toinen Asiakas", phone="050 765 4321")
    assert answer.status_code == 409
    assert 'name="alternative" value="testila 2026-03-03T' in page_text(answer)
    assert len(searched) == 1


def test_choosing_an_alternative_keeps_the_details_and_goes_to_review(client, region):
    answer = client.post(
        "/book/details?lang=en",
        data={**details(name="Anna Virtanen"), "alternative": "testila 2026-03-03T11:00+02:00"},
        follow_redirects=True,
    )
    text = page_text(answer)
    assert answer.status_code == 200
    assert "Check your booking" in text
    assert "Anna Virtanen" in text
    assert 'value="2026-03-03T11:00+02:00"' in text


def test_too_many_bookings_for_one_mobile_number_is_a_phone_error(client, region, session):
    book_token(client, start="2026-03-03T10:00+02:00")
    book_token(client, start="2026-03-04T10:00+02:00")
    answer = book(client, start="2026-03-05T10:00+02:00")
    assert answer.status_code == 422
    assert 'href="#phone"' in page_text(answer)
    assert stored_counts(session)[0] == 2


def test_confirm_needs_a_csrf_token_when_protection_is_on(app, region):
    app.config["WTF_CSRF_ENABLED"] = True
    answer = app.test_client().post("/book/confirm?lang=en", data=details())
    assert answer.status_code == 400


def test_booking_posts_are_rate_limited(database_url, region):
    from booking.app import create_app
    from tests.conftest import test_settings

    limited = create_app(
        test_settings(
            database_url,
            RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_BOOKING="2 per minute",
        )
    )
    try:
        client = limited.test_client()
        answers = [book(client, phone="garbage").status_code for _ in range(3)]
        assert answers == [422, 422, 429]
        assert "Too many attempts" in page_text(book(client))
    finally:
        limited.extensions["booking.engine"].dispose()


def test_confirming_twice_tells_the_citizen_the_time_is_already_theirs(client, region, session):
    book_token(client)
    answer = book(client)
    assert answer.status_code == 200
    assert "This time is already yours" in page_text(answer)
    assert stored_counts(session)[0] == 1


def test_accepted_text_with_special_characters_is_shown_escaped(client, region):
    token = book_token(client, name="Aino O'Brien-Öhman", needs='Pyörätuoli & "iso" ovi')
    text = page_text(client.get(f"/manage/{token}?lang=en"))
    assert "Aino O&#39;Brien-Öhman" in text
    assert "Pyörätuoli &amp; &#34;iso&#34; ovi" in text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(
        ["point", "service", "start", "name", "phone", "email", "language", "topic", "needs"]
    ),
    value=st.text(max_size=300),
)
def test_no_form_input_gives_a_server_error(client, region, field, value):
    answer = client.post("/book/confirm?lang=fi", data=details(**{field: value}))
    # 400: a character no text may hold (U+0000) is refused before anything else.
    assert answer.status_code in {200, 303, 400, 409, 422}, answer.status_code
