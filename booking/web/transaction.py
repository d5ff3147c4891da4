"""A view's one change: run the use case, commit it, or roll its refusal back.

A refused booking often wants a look around (the nearby free times, a fresh
list of the day's times).  That look runs only after the failed write is
rolled back, read-only (on SQLite a deferred ``BEGIN``), so that a crowd of
losers is answered in parallel instead of queueing for the write lock; its
reads are rolled back afterwards too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from booking.appointments.errors import BookingError, SlotTaken
from booking.data.change_gates import one_change_at_a_time
from booking.data.sessions import read_only

Result = TypeVar("Result")
Found = TypeVar("Found")


@dataclass(frozen=True)
class Outcome(Generic[Result, Found]):
    """What the change gave (committed), or its refusal and what was found around it."""

    result: Result | None = None
    refusal: BookingError | None = None
    looked_around: Found | None = None


def run_use_case(
    session: Session,
    use_case: Callable[[], Result],
    *,
    look_around: Callable[[BookingError], Found] | None = None,
    look_around_after: type[BookingError] = SlotTaken,
) -> Outcome[Result, Found]:
    """Run ``use_case()`` (one use case on ``session``); commit when it succeeds.
    The process's other threads wait meanwhile to begin theirs
    (:func:`one_change_at_a_time`); the look around does not hold them up.

    A refusal (:class:`BookingError`) is rolled back.  When it is a
    ``look_around_after`` (by default a time just taken), ``look_around(refusal)``
    then runs read-only and its reads are rolled back; what it returns (nearby free
    times, or the page that lists them) is the outcome's ``looked_around``."""
    with one_change_at_a_time(session):
        try:
            result = use_case()
        except BookingError as error:
            session.rollback()
            refusal = error
        else:
            session.commit()
            return Outcome(result=result)
    if look_around is None or not isinstance(refusal, look_around_after):
        return Outcome(refusal=refusal)
    with read_only():
        found = look_around(refusal)
    session.rollback()
    return Outcome(refusal=refusal, looked_around=found)
