"""SMS texts in Finnish, Swedish and English.

Each text is GSM-7 and at most two segments (306 septets). It names the
agency only by its SMS name, which a sensitive agency (police, legal aid)
keeps discreet, and never the service. Optional parts are dropped, least
useful first, when a long point name or address would need a third segment.
"""

from __future__ import annotations

from notifications.causes import REBOOK, cause_text
from notifications.content import Kind, MessageFacts
from notifications.dates import clock, when
from notifications.gsm import MULTI_SEGMENT, septets, to_gsm7

MAX_SEGMENTS = 2
MAX_SEPTETS = MAX_SEGMENTS * MULTI_SEGMENT

HEADLINES = {
    "fi": {
        Kind.CONFIRMATION: "Aikasi on varattu: {agency} {when}.",
        Kind.MOVED: "Aikasi on siirretty: {agency} {when}.",
        Kind.CANCELLED: "Aikasi on peruttu: {agency} {when}.",
        Kind.REMINDER_DAY_BEFORE: "Muistutus: {agency} {when}.",
        Kind.REMINDER_MORNING: "Muistutus: {agency} tänään klo {clock}.",
    },
    "sv": {
        Kind.CONFIRMATION: "Din tid är bokad: {agency} {when}.",
        Kind.MOVED: "Din tid har flyttats: {agency} {when}.",
        Kind.CANCELLED: "Din tid har avbokats: {agency} {when}.",
        Kind.REMINDER_DAY_BEFORE: "Påminnelse: {agency} {when}.",
        Kind.REMINDER_MORNING: "Påminnelse: {agency} i dag kl. {clock}.",
    },
    "en": {
        Kind.CONFIRMATION: "Your appointment is booked: {agency} {when}.",
        Kind.MOVED: "Your appointment has moved: {agency} {when}.",
        Kind.CANCELLED: "Your appointment is cancelled: {agency} {when}.",
        Kind.REMINDER_DAY_BEFORE: "Reminder: {agency} {when}.",
        Kind.REMINDER_MORNING: "Reminder: {agency} today at {clock}.",
    },
}

PHRASES = {
    "fi": {
        "bring": "Ota mukaan kuvallinen henkilökortti.",
        "early": "Tule 10 min ennen.",
        "reference": "Varaustunnus {reference}.",
        "manage": "Muuta tai peru: {url}",
    },
    "sv": {
        "bring": "Ta med fotolegitimation.",
        "early": "Kom 10 min före.",
        "reference": "Bokningskod {reference}.",
        "manage": "Ändra eller avboka: {url}",
    },
    "en": {
        "bring": "Bring a photo ID.",
        "early": "Arrive 10 min early.",
        "reference": "Ref {reference}.",
        "manage": "Change or cancel: {url}",
    },
}


def render_sms(facts: MessageFacts) -> str:
    """The SMS for ``facts``: GSM-7, at most two segments."""
    kind = Kind(facts.kind)
    phrases = PHRASES[facts.language]
    headline = HEADLINES[facts.language][kind].format(
        agency=facts.agency_sms_name,
        when=when(facts.starts_at, facts.language),
        clock=clock(facts.starts_at, facts.language),
    )
    place = f"{facts.point_name}, {facts.room_name}"
    address = facts.point_address
    reference = phrases["reference"].format(reference=facts.reference)
    manage = ""
    if facts.manage_url and kind != Kind.CANCELLED:
        manage = phrases["manage"].format(url=facts.manage_url)
    why = cause_text(facts.cancel_cause, facts.language) if kind == Kind.CANCELLED else ""
    if why and facts.rebook_url:
        manage = REBOOK[facts.language].format(url=facts.rebook_url)
    bring = phrases["bring"] if facts.photo_id_required and kind != Kind.CANCELLED else ""
    early = phrases["early"] if kind != Kind.CANCELLED else ""

    # Most useful first; the loop below drops from the end of ``optional``.
    optional = [bring, address, early]
    while True:
        location = ", ".join(part for part in (place, optional[1]) if part) + "."
        if kind == Kind.CANCELLED:
            location = ""
        parts = [headline, why, location, optional[0], optional[2], reference, manage]
        text = to_gsm7(" ".join(part for part in parts if part))
        if septets(text) <= MAX_SEPTETS or not any(optional):
            break
        drop_order = (2, 1, 0)  # first "arrive early", then the address, then "bring"
        for index in drop_order:
            if optional[index]:
                optional[index] = ""
                break
    if septets(text) > MAX_SEPTETS:
        text = shorten(text, manage)
    return text


def shorten(text: str, keep_tail: str) -> str:
    """Cut the middle of an overlong text, never the manage link at its end."""
    tail = to_gsm7(" " + keep_tail) if keep_tail else ""
    room = MAX_SEPTETS - septets(tail) - 3
    head = text[: len(text) - len(tail)] if tail else text
    while septets(head) > room:
        head = head[:-1]
    return head.rstrip() + "..." + tail
