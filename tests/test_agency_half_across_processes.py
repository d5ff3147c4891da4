"""A booking raises its agency's count of the calendar signal, which every point
offering the agency's services shares; an answer at another point is then still
sent without a round trip once its agency's half has been found the same at that
count, and never when the booking changed that half or the answer's own point.
Bookings are committed by another process; on SQLite (the signal beside it) and
on PostgreSQL with a signal registered."""

from __future__ import annotations

import pytest

from tests.test_cache_across_processes import (
    WEDNESDAY,
    booking_args,
    in_another_process,
    stamp_reads,
)

POINTS = ("testila", "toinen", "kolmas")


@pytest.fixture
def world(factory, shared_signal):
    """Three points offer Kela's service, Toinen with two rooms and the others with one;
    two Kela experts serve all three."""
    for point in POINTS:
        factory.point(point, municipality=point, rooms=2 if point == "toinen" else 1)
    factory.service(points=POINTS)
    factory.expert("kela-anna")
    factory.expert("kela-bertil")
    factory.session.commit()


def kela_times(client, point: str) -> list[str]:
    """Wednesday's times of Kela's service at ``point``, as the API answers."""
    path = f"/api/v1/points/{point}/availability?service=kela-benefits"
    answer = client.get(f"{path}&from={WEDNESDAY}&to={WEDNESDAY}")
    assert answer.status_code == 200
    return [moment[11:16] for moment in answer.get_json()["times"]]


def kept_at(client, points: tuple[str, ...]) -> None:
    """Answers kept at ``points``, with the signal's counts they were found current at."""
    for point in points:
        assert kela_times(client, point) == kela_times(client, point)


def test_a_booking_that_leaves_an_expert_free_costs_other_points_no_round_trip(
    engine, world, client, clock, monkeypatch
):
    kept_at(client, ("testila", "kolmas"))
    reads = stamp_reads(monkeypatch)
    in_another_process(engine, "book", **booking_args("toinen", "kela-benefits", 13))
    # Bertil is still free at 13:00: Testilä reads the stamp and finds Kela's half
    # as it was; Kolmas, whose own count did not move, is then sent as kept.
    assert "13:00" in kela_times(client, "testila")
    assert "13:00" in kela_times(client, "kolmas")
    assert reads == ["testila"]
    # Now both experts are taken at 13:00: Kela's half changed, at every point.
    in_another_process(engine, "book", **booking_args("toinen", "kela-benefits", 13))
    assert "13:00" not in kela_times(client, "testila")
    assert "13:00" not in kela_times(client, "kolmas")
    assert reads == ["testila", "testila", "kolmas"]


def test_a_booking_at_the_answer_s_own_point_is_never_vouched_for_by_the_agency(
    engine, world, client, clock, monkeypatch
):
    kept_at(client, ("testila", "kolmas"))
    reads = stamp_reads(monkeypatch)
    in_another_process(engine, "book", **booking_args("kolmas", "kela-benefits", 10))
    # Kela's half is found the same at Testilä, but Kolmas's one room is taken.
    assert "10:00" in kela_times(client, "testila")
    assert "10:00" not in kela_times(client, "kolmas")
    assert reads == ["testila", "kolmas"]
    assert "10:00" not in kela_times(client, "kolmas")  # and then kept as such
    assert reads == ["testila", "kolmas"]
