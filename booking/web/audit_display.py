"""An audit entry's detail as a page shows it: its clock times written the reader's way.

Details are kept as written when the event happened, in one neutral form for the
command line and the log: clock times as "09:00", instants as "2026-03-03 07:00 UTC"
(a calendar change and the appointments it hit).  The audit page shows them like
every other time on the staff's pages: Helsinki time, "9.00" in Finnish and
Swedish, "9:00" in English.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from booking.web.i18n import clock_time, current_language, date_and_time

#: "2026-03-03 07:00 UTC": an instant, as the calendar changes' consequences write it.
_INSTANT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC\b")
#: "09:00": a wall-clock time (opening hours, a closure's span).
_CLOCK = re.compile(r"(?<![\d.:])([01]\d|2[0-3]):([0-5]\d)(?!\d|:\d)")


def shown_detail(detail: str | None, language: str | None = None) -> str:
    """``detail`` with its instants in Helsinki time and its clock times in ``language``."""
    if not detail:
        return ""
    language = language or current_language()

    def instant(match: re.Match[str]) -> str:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, tzinfo=UTC)
        return date_and_time(moment, language, short=True, year=True)

    def wall_clock(match: re.Match[str]) -> str:
        return clock_time(time(int(match.group(1)), int(match.group(2))), language)

    return _CLOCK.sub(wall_clock, _INSTANT.sub(instant, detail))
