"""GSM 03.38 (GSM-7): keep SMS text in the 7-bit alphabet and count its segments.

One character outside GSM-7 turns the whole message into UCS-2, where a
segment holds 70 characters instead of 160; Finnish and Swedish letters
ä, ö, å are in GSM-7, š and ž are not.
"""

from __future__ import annotations

import math
import unicodedata

BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: Characters of the extension table: each costs two septets (escape + code).
EXTENSION = set("^{}\\[~]|€\f")

SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153

#: Look-alikes for characters that would force UCS-2.
REPLACEMENTS = {
    "\u00a0": " ",  # no-break space
    "\u2009": " ",
    "\u202f": " ",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2026": "...",
    "\u2022": "-",
    "\t": " ",
    "Đ": "D",
    "đ": "d",
    "Ł": "L",
    "ł": "l",
    "œ": "oe",
    "Œ": "OE",
    "\u0131": "i",
}


def is_gsm7(text: str) -> bool:
    return all(char in BASIC or char in EXTENSION for char in text)


def to_gsm7(text: str) -> str:
    """``text`` with every character GSM-7 can carry kept and the rest replaced or dropped.

    š → s, ž → z, typographic quotes and dashes → ASCII; accented letters lose
    their accent; anything else (emoji, CJK) is dropped.
    """
    out: list[str] = []
    for char in text:
        if char in BASIC or char in EXTENSION:
            out.append(char)
        elif char in REPLACEMENTS:
            out.append(REPLACEMENTS[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if c in BASIC or c in EXTENSION))
    return "".join(out)


def septets(text: str) -> int:
    return sum(2 if char in EXTENSION else 1 for char in text)


def segments(text: str) -> int:
    """How many SMS segments a GSM-7 ``text`` takes (160 alone, 153 each when split)."""
    if not is_gsm7(text):
        raise ValueError("text is not GSM-7")
    length = septets(text)
    if length <= SINGLE_SEGMENT:
        return 1
    return math.ceil(length / MULTI_SEGMENT)
