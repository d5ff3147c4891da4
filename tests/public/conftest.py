"""Fixtures of the citizen's pages: a small region, with time stopped at ``NOW``."""

from __future__ import annotations

import pytest


@pytest.fixture
def region(factory, clock):
    """One point open Mon–Fri 9–15, Kela's 30-minute service, one expert; time stopped."""
    return factory.region()
