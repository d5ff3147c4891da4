"""A booking raises its point's count of the calendar signal, which every answer at
that point shares, whatever its service or days.  An answer at the point for days
the booking did not touch is still sent without a round trip once another answer
for the same days at that point has found the point's revisions over them as they
were; never when the booking touched its days.  Bookings are committed by another
process; on SQLite (the signal beside it) and on PostgreSQL with a signal registered."""

from __future__ import annotations

from datetime import date

import pytest

from tests.test_cache_across_processes import (
    WEDNESDAY,
    booking_args,
    in_another_process,
    stamp_reads,
)

NEXT_MONDAY = date(2026, 3, 9)
SERVICES = ("kela-benefits", "vero-advice")


@pytest.fixture
def world(factory, shared_signal):
    """Testilä, with one room, offers Kela's and Vero's services, each with an expert."""
    factory.point("testila")
    factory.service(points=("testila",))
    factory.service("vero-advice", agency="vero", points=("testila",))
    factory.expert("kela-anna")
    factory.expert("vero-ville", agency="vero", services=("vero-advice",))
    factory.session.commit()


def times(client, service: str, day: date) -> list[str]:
    """The day's times of ``service`` at Testilä, as the API answers."""
    path = f"/api/v1/points/testila/availability?service={service}&from={day}&to={day}"
    answer = client.get(path)
    assert answer.status_code == 200
    return [moment[11:16] for moment in answer.get_json()["times"]]


def kept_for(client, day: date, services: tuple[str, ...] = SERVICES) -> None:
    """The services' answers for ``day`` kept, with the counts they were found current at."""
    for service in services:
        assert times(client, service, day) == times(client, service, day)


def test_a_booking_on_other_days_costs_the_point_s_other_answers_no_round_trip(
    engine, world, client, clock, monkeypatch
):
    kept_for(client, NEXT_MONDAY)
    reads = stamp_reads(monkeypatch)
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 13))
    # Kela's Monday reads the stamp and finds Testilä's Monday as it was; Vero's
    # Monday, whose agency's count did not move, is then sent as kept.
    assert "13:00" in times(client, "kela-benefits", NEXT_MONDAY)
    assert "13:00" in times(client, "vero-advice", NEXT_MONDAY)
    assert reads == ["testila"]


def test_a_booking_on_the_answer_s_days_is_never_vouched_for_by_another_answer(
    engine, world, client, clock, monkeypatch
):
    kept_for(client, WEDNESDAY)
    reads = stamp_reads(monkeypatch)
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    # Kela's Wednesday finds Testilä's Wednesday changed: its one room is taken at
    # 10:00, for Vero too, whose own counts say nothing of it.
    assert "10:00" not in times(client, "kela-benefits", WEDNESDAY)
    assert "10:00" not in times(client, "vero-advice", WEDNESDAY)
    assert reads == ["testila", "testila"]
    assert "10:00" not in times(client, "vero-advice", WEDNESDAY)  # and then kept as such
    assert reads == ["testila", "testila"]
