"""The one clock: aware UTC instants, Helsinki wall time at the edges."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def utc_now() -> datetime:
    """The current instant, aware, in UTC. Call it at the edge and pass ``now`` in."""
    return datetime.now(UTC)


def require_aware(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; refuse naive datetimes, which have no place here."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return moment.astimezone(UTC)


def to_helsinki(moment: datetime) -> datetime:
    return require_aware(moment).astimezone(HELSINKI)
