"""The review step by post/redirect/get: what was typed is kept for this time only, and
coming back after the booking says the time is booked instead of offering it again."""

from __future__ import annotations

from tests.public.booking_steps import START, book, details, stored_counts

CHOICE = "point=testila&service=kela-benefits&start=" + START.replace("+", "%2B")


def text_of(answer) -> str:
    return answer.get_data(as_text=True)


def send_details(client, **overrides: str) -> str:
    """POST the details form; returns where it redirects (the review page)."""
    answer = client.post("/book/details?lang=en", data=details(**overrides))
    assert answer.status_code == 303, text_of(answer)
    return answer.headers["Location"]


def test_the_review_is_a_page_of_its_own_that_reload_shows_again(client, region, session):
    review_url = send_details(client, name="Anna Virtanen")
    assert review_url == f"/book/review?{CHOICE}"
    for _reload in range(2):
        answer = client.get(review_url + "&lang=en")
        assert answer.status_code == 200
        assert "Check your booking" in text_of(answer)
        assert "Anna Virtanen" in text_of(answer)
    assert stored_counts(session) == (0, 0)


def test_back_from_the_review_shows_the_details_as_typed(client, region):
    send_details(client, name="Anna Virtanen", needs="Pyörätuoli")
    form = text_of(client.get(f"/book/details?{CHOICE}&lang=en"))
    assert 'value="Anna Virtanen"' in form
    assert "Pyörätuoli</textarea>" in form
    # Another time starts with an empty form: the draft belongs to one chosen time.
    other = START.replace("10:00", "11:00").replace("+", "%2B")
    fresh = text_of(client.get(f"/book/details?point=testila&service=kela-benefits&start={other}"))
    assert "Anna Virtanen" not in fresh


def test_the_review_without_typed_details_goes_back_to_the_form(client, region):
    answer = client.get(f"/book/review?{CHOICE}&lang=en")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/book/details?point=testila")


def test_back_from_the_confirmation_says_the_time_is_booked(client, region, session):
    review_url = send_details(client)
    booked = book(client)
    assert booked.status_code == 303
    token = booked.headers["Location"].rsplit("/", 2)[-2]
    again = client.get(review_url + "&lang=en")
    assert again.status_code == 200
    assert "This time is already yours" in text_of(again)
    assert f'href="/manage/{token}"' in text_of(again)
    assert "Maija" not in text_of(again)  # the typed details are gone from the session
    assert stored_counts(session)[0] == 1


def test_a_confirm_address_opened_directly_goes_to_the_review(client, region):
    answer = client.get(f"/book/confirm?{CHOICE}&lang=sv")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/book/review?point=testila")
