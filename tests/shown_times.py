"""Clock times as a reader sees them on a page, and the one way each language writes them.

Finnish and Swedish write "9.00" and "14.30", English "9:00" and "14:30"; never a
leading zero ("09.00"); after a day "klo", "kl." or "at", each in its own language.
Text is judged by the language its markup declares: the page's ``<html lang>``, or
a part's own ``lang`` (the desk's read-out summary is in the caller's language).
Used by the walks over the citizen's and the staff's pages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: A clock time in running text: an hour and minutes, perhaps seconds ("10.00.07"), not
#: part of a date ("3.3.2026").
CLOCK_TIME = re.compile(r"(?<![\d.:])(\d{1,2})([.:])(\d{2})(?:\2\d{2})?(?!\d|:\d)")
SEPARATOR = {"fi": ".", "sv": ".", "en": ":"}
#: The word before a clock time ("klo 9.00", "kl. 9.00", "at 9:00"), and the others' words.
AT = {"fi": "klo", "sv": "kl.", "en": "at"}
FOREIGN_AT = {
    language: re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(at) for other, at in AT.items() if at != AT[language])
        + r") \d{1,2}[.:]\d{2}"
    )
    for language in AT
}
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)


def shown_text(html: str) -> str:
    """The words a reader sees: no tags (so no ISO times in attributes), no addresses."""
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"https?://\S+", " ", text)


def clock_times(html: str) -> list[tuple[str, str, str]]:
    return CLOCK_TIME.findall(shown_text(html))


class _TextByLanguage(HTMLParser):
    """Collects the shown text under the language each part of the markup declares."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str]] = [("", language)]
        self.text: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        language = dict(attrs).get("lang") or self.open[-1][1]
        self.open.append((tag, language))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        if self.open[-1][0] in {"script", "style"}:
            return
        self.text.append((self.open[-1][1], re.sub(r"https?://\S+", " ", data)))


def page_language(html: str) -> str | None:
    match = re.search(r'<html[^>]*\blang="([^"]+)"', html)
    return match.group(1) if match else None


def wrongly_written_times(html: str, language: str) -> list[str]:
    """The clock times on a page not written the way of the language they are in (empty
    when all are); text outside any declared language counts as ``language``."""
    reader = _TextByLanguage(language)
    reader.feed(html)
    reader.close()
    wrong = []
    for part_language, text in reader.text:
        language_code = part_language[:2] if part_language[:2] in SEPARATOR else "fi"
        for hour, separator, minutes in CLOCK_TIME.findall(text):
            if separator != SEPARATOR[language_code] or (len(hour) == 2 and hour.startswith("0")):
                wrong.append(f"{hour}{separator}{minutes} ({part_language})")
        wrong += [
            f"{found.group(0)} ({part_language})"
            for found in FOREIGN_AT[language_code].finditer(text)
        ]
    return wrong
