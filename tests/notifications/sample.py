"""Message facts for rendering tests: one Kela appointment at Keuruu, overridable."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from notifications.content import MessageFacts

#: Mon 30.3.2026 10:00 Helsinki, the day after clocks went forward (UTC+3).
AFTER_SPRING_CHANGE = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
#: Fri 27.3.2026 10:00 Helsinki, before the change (UTC+2).
BEFORE_SPRING_CHANGE = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
#: Fri 23.10.2026 10:00 Helsinki, summer time (UTC+3).
BEFORE_AUTUMN_CHANGE = datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
#: Mon 26.10.2026 10:00 Helsinki, the day after clocks went back (UTC+2).
AFTER_AUTUMN_CHANGE = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)

STAMP = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

BASE = MessageFacts(
    kind="confirmation",
    language="fi",
    reference="K7M4QX",
    starts_at=AFTER_SPRING_CHANGE,
    ends_at=datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
    point_name="Keuruun asiointipiste",
    point_address="Multiantie 5, 42700 Keuruu",
    room_name="Etähuone 1",
    agency_sms_name="Kela",
    agency_name="Kela",
    service_name="Etuusneuvonta",
    photo_id_required=True,
    ical_uid="4f1c2a9e@etavaraus.test",
    sequence=0,
    organizer_email="etavaraus@keskisuomi.invalid",
    manage_url="https://varaa.test/m/Qx7Tb3LwZr9pKd2s",
    citizen_name="Maija Meikäläinen",
    citizen_email="maija@example.org",
)


def facts(**changes) -> MessageFacts:
    """The sample appointment with ``changes``; moving ``starts_at`` keeps 30 minutes."""
    if "starts_at" in changes and "ends_at" not in changes:
        changes["ends_at"] = changes["starts_at"].replace(minute=30)
    return replace(BASE, **changes)
