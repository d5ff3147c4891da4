"""Fixtures of the citizen's pages: a fixed clock at the web edge and a small region."""

from __future__ import annotations

import pytest

from tests.factories import NOW

#: Modules of the citizen's pages that read the clock at the edge.
PUBLIC_CLOCKS = ("booking.public.booking_views.utc_now", "booking.public.manage_views.utc_now")


@pytest.fixture
def clock(monkeypatch):
    """The pages' clock, fixed at ``tests.factories.NOW``; ``clock.set(moment)`` moves it."""

    class Clock:
        now = NOW

        def set(self, moment):
            self.now = moment

    fixed = Clock()
    for target in PUBLIC_CLOCKS:
        monkeypatch.setattr(target, lambda: fixed.now)
    return fixed


@pytest.fixture
def region(factory, clock):
    """One point open Mon–Fri 9–15, Kela's 30-minute service, one expert; clock fixed."""
    return factory.region()
