"""Free text refuses invisible formatting characters and stacks of combining marks.

A right-to-left override in "needs" would make staff read the text in another
order; a hundred accents on one letter spill over the lines around it.  The
citizen is told so in her own language, on the page and in the API.
"""

from __future__ import annotations

import pytest

from booking.appointments.citizen_details import (
    MAX_COMBINING_MARKS,
    NEEDS_MAX_LENGTH,
    DetailError,
    normalize_free_text,
    normalize_name,
)
from tests.factories import NOW
from tests.public.booking_steps import details

RIGHT_TO_LEFT_OVERRIDE = "\u202e"
ZALGO = "e" + "\u0301" * 40


@pytest.mark.parametrize(
    "invisible",
    ["\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200e", "\u2060", "\ufeff", "\u00ad"],
)
def test_invisible_formatting_characters_are_refused(invisible):
    with pytest.raises(DetailError) as refused:
        normalize_free_text(f"pyörätuoli{invisible}", NEEDS_MAX_LENGTH, "needs")
    assert refused.value.msgid == "Please leave out invisible formatting characters."


def test_stacked_combining_marks_are_refused_in_text_and_names():
    with pytest.raises(DetailError) as refused:
        normalize_free_text(f"iso {ZALGO}vi", NEEDS_MAX_LENGTH, "needs")
    assert refused.value.msgid == "Please use fewer accent marks on one letter."
    with pytest.raises(DetailError):
        normalize_name(f"Ma{ZALGO}ija")


def test_ordinary_accents_pass():
    few = "a" + "\u0308\u0301\u0323"[:MAX_COMBINING_MARKS]
    assert normalize_free_text(f"Tarvitsen tulkin: {few} ja ǘ", NEEDS_MAX_LENGTH, "needs")
    assert normalize_name("Nguyễn Thị Ánh") == "Nguyễn Thị Ánh"
    assert normalize_name("Đặng Văn Lâm") == "Đặng Văn Lâm"


@pytest.fixture
def pages_at_now(clock):
    """The citizen's pages see ``NOW``, when the usual booking's time is still ahead."""
    clock.set(NOW)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("fi", "Jätä pois näkymättömät muotoilumerkit."),
        ("sv", "Lämna bort osynliga formateringstecken."),
        ("en", "Please leave out invisible formatting characters."),
    ],
)
def test_the_booking_page_says_why_in_the_visitors_language(
    client, factory, pages_at_now, lang, message
):
    factory.region()
    needs = f"ovi {RIGHT_TO_LEFT_OVERRIDE}nmuerp"
    answer = client.post(f"/book/confirm?lang={lang}", data=details(needs=needs))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)


def test_the_api_names_the_field(client, factory):
    factory.region()
    answer = client.post(
        "/api/v1/appointments",
        json={**details(needs=f"iso {ZALGO}vi"), "start": "2030-03-05T10:00+02:00"},
        headers={"Accept-Language": "sv"},
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["needs"] == "Använd färre accenttecken på samma bokstav."
