"""The citizen's details: mobile numbers, names, e-mail, topics, free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.appointments.citizen_details import (
    NAME_MAX_LENGTH,
    NEEDS_MAX_LENGTH,
    NO_CONTACT,
    NOT_AN_SMS_NUMBER,
    TOPICS,
    DetailError,
    InvalidDetails,
    clean_citizen_details,
    normalize_email,
    normalize_free_text,
    normalize_mobile,
    normalize_name,
    normalize_phone_any,
    normalize_topic,
)
from booking.messages.sms_numbers import sms_capable


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("040 123 4567", "+358401234567"),
        ("0401234567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("00358401234567", "+358401234567"),
        ("040-123 4567", "+358401234567"),
        ("045 1234 5678", "+3584512345678"),
        ("050 123 4567", "+358501234567"),
        ("0500 123456", "+358500123456"),
        ("048 123 4567", "+358481234567"),
    ],
)
def test_finnish_mobile_numbers_are_normalised_to_e164(raw, e164):
    assert normalize_mobile(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "014 123 456",  # Jyväskylä landline
        "09 1234567",  # Helsinki landline
        "049 123 4567",  # not a personal mobile range
        "+46 8 123 456 78",  # Stockholm landline
        "0600 12345",  # a service number
        "garbage",
        "",
        "   ",
        "040",
        "0401234567890123",
        "4" * 200,
        None,
        40_123_4567,
        "<script>alert(1)</script>",
    ],
)
def test_anything_but_a_mobile_that_takes_sms_is_refused_online(raw):
    with pytest.raises(DetailError) as refused:
        normalize_mobile(raw)
    assert refused.value.field == "phone"


def test_the_desk_accepts_a_landline_or_no_number():
    assert normalize_phone_any("014 123 456") == "+35814123456"
    assert normalize_phone_any("040 123 4567") == "+358401234567"
    assert normalize_phone_any("") is None
    assert normalize_phone_any(None) is None
    with pytest.raises(DetailError):
        normalize_phone_any("garbage")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+46 70 123 4567", "+46701234567"),  # Swedish mobile
        ("+372 5123 4567", "+37251234567"),  # Estonian mobile
        ("0046 70 123 4567", "+46701234567"),
        ("+1 202 555 0143", "+12025550143"),  # the US: mobile or landline, both take SMS
    ],
)
def test_foreign_mobile_numbers_are_accepted_online(raw, e164):
    assert normalize_mobile(raw) == e164
    assert sms_capable(e164)


def test_online_an_e_mail_address_may_stand_in_for_the_number():
    details = clean_citizen_details(name="Ann Lee", phone="", email="ann@example.com")
    assert details.phone is None and details.email == "ann@example.com"
    with pytest.raises(InvalidDetails) as refused:
        clean_citizen_details(name="Ann Lee", phone="", email="")
    assert refused.value.errors == {"phone": NO_CONTACT}
    with pytest.raises(InvalidDetails) as refused:  # a number given must take SMS
        clean_citizen_details(name="Ann Lee", phone="014 123 456", email="ann@example.com")
    assert refused.value.errors == {"phone": NOT_AN_SMS_NUMBER}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Maija   Meikäläinen ", "Maija Meikäläinen"),
        ("Åsa Öberg-Sjöström", "Åsa Öberg-Sjöström"),
        ("Anne-Marie O'Neill", "Anne-Marie O'Neill"),
        ("Jr. Väinö", "Jr. Väinö"),
    ],
)
def test_names_are_trimmed_and_kept(raw, clean):
    assert normalize_name(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["", "M", "x" * (NAME_MAX_LENGTH + 1), "<b>Maija</b>", "Maija; DROP TABLE", "M\x00aija", 5],
)
def test_bad_names_are_refused(raw):
    with pytest.raises(DetailError):
        normalize_name(raw)


def test_email_is_optional_and_normalised():
    assert normalize_email("") is None
    assert normalize_email(None) is None
    assert normalize_email(" Maija@Example.FI ") == "Maija@example.fi"
    for bad in ("maija", "maija@", "<script>@x.fi", "a@" + "b" * 260 + ".fi", 42):
        with pytest.raises(DetailError):
            normalize_email(bad)


def test_topics_are_keys_of_the_agencys_list():
    assert normalize_topic("housing", "kela") == "housing"
    assert normalize_topic("", "kela") == ""
    assert normalize_topic("other", "unknown-agency") == "other"
    with pytest.raises(DetailError):
        normalize_topic("housing", "vero")
    assert all(key and len(key) <= 40 for topics in TOPICS.values() for key, _ in topics)


def test_free_text_refuses_markup_and_length():
    assert normalize_free_text(" pyörätuoli ", NEEDS_MAX_LENGTH, "needs") == "pyörätuoli"
    for bad in ("<script>", "x" * (NEEDS_MAX_LENGTH + 1), "a\x07b", 12):
        with pytest.raises(DetailError):
            normalize_free_text(bad, NEEDS_MAX_LENGTH, "needs")


def test_all_errors_are_reported_at_once():
    with pytest.raises(InvalidDetails) as refused:
        clean_citizen_details(name="", phone="014 123 456", email="nope", language="de")
    assert set(refused.value.errors) == {"name", "phone", "email", "language"}


@given(st.text(max_size=60))
def test_any_text_is_either_a_number_that_takes_sms_or_refused(raw):
    try:
        e164 = normalize_mobile(raw)
    except DetailError:
        return
    assert sms_capable(e164)


@given(st.text(max_size=200))
def test_any_name_is_either_clean_or_refused(raw):
    try:
        name = normalize_name(raw)
    except DetailError:
        return
    assert "<" not in name and ">" not in name
    assert 2 <= len(name) <= NAME_MAX_LENGTH
