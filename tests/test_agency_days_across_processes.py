"""A booking raises its agency's count of the calendar signal, which every answer
for any of the agency's services shares, whatever its days.  An answer for days
the booking did not touch is still sent without a round trip once another answer
for the same days, of any of the agency's services, has found the agency's
revisions over them as they were; never when the booking touched its days.
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
from tests.test_point_days_across_processes import NEXT_MONDAY, kept_for, times

SERVICES = ("kela-benefits", "kela-pension")


@pytest.fixture
def world(factory, shared_signal):
    """Testilä and Toinen offer Kela's two services, which its one expert does both."""
    for point in ("testila", "toinen"):
        factory.point(point, municipality=point)
    for service in SERVICES:
        factory.service(service, points=("testila", "toinen"))
    factory.expert("kela-anna", services=SERVICES)
    factory.session.commit()


def test_a_booking_on_other_days_costs_the_agency_s_other_services_no_round_trip(
    engine, world, client, clock, monkeypatch
):
    kept_for(client, NEXT_MONDAY, SERVICES)
    reads = stamp_reads(monkeypatch)
    in_another_process(engine, "book", **booking_args("toinen", "kela-benefits", 13))
    # One service's Monday reads the stamp and finds Kela's Monday as it was; the
    # other service's Monday, whose point's count did not move, is then sent as kept.
    assert "13:00" in times(client, "kela-benefits", NEXT_MONDAY)
    assert "13:00" in times(client, "kela-pension", NEXT_MONDAY)
    assert reads == ["testila"]


def test_a_booking_on_the_answer_s_days_is_never_vouched_for_by_another_service(
    engine, world, client, clock, monkeypatch
):
    kept_for(client, WEDNESDAY, SERVICES)
    reads = stamp_reads(monkeypatch)
    in_another_process(engine, "book", **booking_args("toinen", "kela-benefits", 13))
    # Anna is taken at 13:00 on Wednesday, for both services, at every point.
    assert "13:00" not in times(client, "kela-benefits", WEDNESDAY)
    assert "13:00" not in times(client, "kela-pension", WEDNESDAY)
    assert reads == ["testila", "testila"]
    assert "13:00" not in times(client, "kela-pension", WEDNESDAY)  # and then kept as such
    assert reads == ["testila", "testila"]
