"""SMS texts: the exact words per language and kind, Helsinki time on both sides of DST."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.gsm import is_gsm7, segments, septets, to_gsm7
from notifications.sms import render_sms
from tests.notifications.sample import (
    AFTER_AUTUMN_CHANGE,
    BEFORE_AUTUMN_CHANGE,
    BEFORE_SPRING_CHANGE,
    facts,
)

PLACE = "Keuruun asiointipiste, Etähuone 1, Multiantie 5, 42700 Keuruu."
LINK = "https://varaa.test/m/Qx7Tb3LwZr9pKd2s"

SNAPSHOTS = {
    ("fi", "confirmation"): (
        f"Aikasi on varattu: Kela ma 30.3.2026 klo 10.00. {PLACE} "
        f"Ota mukaan kuvallinen henkilökortti. Tule 10 min ennen. Varaustunnus K7M4QX. "
        f"Muuta tai peru: {LINK}"
    ),
    ("fi", "moved"): (
        f"Aikasi on siirretty: Kela ma 30.3.2026 klo 10.00. {PLACE} "
        f"Ota mukaan kuvallinen henkilökortti. Tule 10 min ennen. Varaustunnus K7M4QX. "
        f"Muuta tai peru: {LINK}"
    ),
    ("fi", "cancelled"): "Aikasi on peruttu: Kela ma 30.3.2026 klo 10.00. Varaustunnus K7M4QX.",
    ("fi", "reminder_day_before"): (
        f"Muistutus: Kela ma 30.3.2026 klo 10.00. {PLACE} "
        f"Ota mukaan kuvallinen henkilökortti. Tule 10 min ennen. Varaustunnus K7M4QX. "
        f"Muuta tai peru: {LINK}"
    ),
    ("fi", "reminder_morning"): (
        f"Muistutus: Kela tänään klo 10.00. {PLACE} "
        f"Ota mukaan kuvallinen henkilökortti. Tule 10 min ennen. Varaustunnus K7M4QX. "
        f"Muuta tai peru: {LINK}"
    ),
    ("sv", "confirmation"): (
        f"Din tid är bokad: Kela mån 30.3.2026 kl. 10.00. {PLACE} "
        f"Ta med fotolegitimation. Kom 10 min före. Bokningskod K7M4QX. "
        f"Ändra eller avboka: {LINK}"
    ),
    ("sv", "moved"): (
        f"Din tid har flyttats: Kela mån 30.3.2026 kl. 10.00. {PLACE} "
        f"Ta med fotolegitimation. Kom 10 min före. Bokningskod K7M4QX. "
        f"Ändra eller avboka: {LINK}"
    ),
    ("sv", "cancelled"): "Din tid har avbokats: Kela mån 30.3.2026 kl. 10.00. Bokningskod K7M4QX.",
    ("sv", "reminder_day_before"): (
        f"Påminnelse: Kela mån 30.3.2026 kl. 10.00. {PLACE} "
        f"Ta med fotolegitimation. Kom 10 min före. Bokningskod K7M4QX. "
        f"Ändra eller avboka: {LINK}"
    ),
    ("sv", "reminder_morning"): (
        f"Påminnelse: Kela i dag kl. 10.00. {PLACE} "
        f"Ta med fotolegitimation. Kom 10 min före. Bokningskod K7M4QX. "
        f"Ändra eller avboka: {LINK}"
    ),
    ("en", "confirmation"): (
        f"Your appointment is booked: Kela Mon 30 Mar 2026 at 10:00. {PLACE} "
        f"Bring a photo ID. Arrive 10 min early. Ref K7M4QX. Change or cancel: {LINK}"
    ),
    ("en", "moved"): (
        f"Your appointment has moved: Kela Mon 30 Mar 2026 at 10:00. {PLACE} "
        f"Bring a photo ID. Arrive 10 min early. Ref K7M4QX. Change or cancel: {LINK}"
    ),
    ("en", "cancelled"): (
        "Your appointment is cancelled: Kela Mon 30 Mar 2026 at 10:00. Ref K7M4QX."
    ),
    ("en", "reminder_day_before"): (
        f"Reminder: Kela Mon 30 Mar 2026 at 10:00. {PLACE} "
        f"Bring a photo ID. Arrive 10 min early. Ref K7M4QX. Change or cancel: {LINK}"
    ),
    ("en", "reminder_morning"): (
        f"Reminder: Kela today at 10:00. {PLACE} "
        f"Bring a photo ID. Arrive 10 min early. Ref K7M4QX. Change or cancel: {LINK}"
    ),
}


@pytest.mark.parametrize(("language", "kind"), sorted(SNAPSHOTS))
def test_sms_text_per_language_and_kind(language, kind):
    text = render_sms(facts(language=language, kind=kind))
    assert text == SNAPSHOTS[language, kind]
    assert is_gsm7(text)
    assert segments(text) <= 2


@pytest.mark.parametrize(
    ("starts_at", "expected"),
    [
        (BEFORE_SPRING_CHANGE, "pe 27.3.2026 klo 10.00"),
        (BEFORE_AUTUMN_CHANGE, "pe 23.10.2026 klo 10.00"),
        (AFTER_AUTUMN_CHANGE, "ma 26.10.2026 klo 10.00"),
    ],
)
def test_sms_shows_helsinki_time_on_both_sides_of_dst(starts_at, expected):
    assert expected in render_sms(facts(starts_at=starts_at))


def test_discreet_agency_name_keeps_the_agency_off_the_lock_screen():
    text = render_sms(
        facts(agency_sms_name="Asiointi", agency_name="Poliisi", service_name="Lupaneuvonta")
    )
    assert "Asiointi" in text
    assert "Poliisi" not in text
    assert "Lupa" not in text


def test_letters_outside_gsm7_are_replaced_so_the_text_stays_seven_bit():
    text = render_sms(facts(point_name="Šiljan “Uusi” asiointipiste – Žaneta"))
    assert is_gsm7(text)
    assert 'Siljan "Uusi" asiointipiste - Zaneta' in text


def test_long_place_names_drop_optional_lines_but_keep_time_and_link():
    long_name = "Jyväskylän kaupungin Korpilahden yhteispalvelupiste ja kirjasto " * 3
    text = render_sms(facts(point_name=long_name.strip(), point_address="Pitkäkatu 1 " * 8))
    assert septets(text) <= 306
    assert "ma 30.3.2026 klo 10.00" in text
    assert text.endswith(LINK)


def test_no_photo_id_line_when_the_service_needs_none():
    assert "henkilökortti" not in render_sms(facts(photo_id_required=False))


def test_gsm7_counts_extension_characters_twice():
    assert septets("€") == 2
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert to_gsm7("emoji 🙂 gone") == "emoji  gone"


@settings(max_examples=150, deadline=None)
@given(
    language=st.sampled_from(["fi", "sv", "en"]),
    kind=st.sampled_from(sorted({kind for _, kind in SNAPSHOTS})),
    point_name=st.text(max_size=120),
    point_address=st.text(max_size=200),
    room_name=st.text(max_size=80),
    agency=st.text(max_size=60),
)
def test_any_names_give_gsm7_in_at_most_two_segments_with_the_time(
    language, kind, point_name, point_address, room_name, agency
):
    link = "https://varaa.keskisuomi.fi/manage/" + "T" * 43
    text = render_sms(
        facts(
            language=language,
            kind=kind,
            point_name=point_name,
            point_address=point_address,
            room_name=room_name,
            agency_sms_name=agency,
            manage_url=link,
        )
    )
    assert is_gsm7(text)
    assert septets(text) <= 306
    assert ("10.00" if language != "en" else "10:00") in text
    if kind != "cancelled":
        assert text.endswith(link)
