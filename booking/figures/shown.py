"""A published figure and the arithmetic behind the shown ones: medians from
histograms, shares, hours.  Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

#: How a hidden count is written: a count from 1 to 4, and a count hidden so that
#: a small one cannot be worked out from it.
SMALL = "<5"
CONCEALED = "x"
#: A median or a share is shown only over at least this many appointments.
FEWEST_FOR_MEDIAN = 5


@dataclass(frozen=True)
class Shown:
    """One figure as published: ``value`` is None when there is nothing to show
    (no appointments, or too few for a median), ``hidden`` says how it is hidden."""

    value: int | float | None
    hidden: str | None = None

    @property
    def visible(self) -> bool:
        return self.hidden is None and self.value is not None

    def text(self) -> str:
        if self.hidden is not None:
            return self.hidden
        if self.value is None:
            return ""
        if isinstance(self.value, float):
            return f"{self.value:.1f}"
        return str(self.value)


NOTHING = Shown(None)


def count(value: int, hidden: bool) -> Shown:
    if not hidden:
        return Shown(value)
    return Shown(value, SMALL if 0 < value < FEWEST_FOR_MEDIAN else CONCEALED)


def median(histogram: Counter) -> Shown:
    """The median of the values counted in ``histogram`` (value → how many); the mean of
    the two middle values for an even number.  Not shown over fewer than five."""
    total = sum(histogram.values())
    if total < FEWEST_FOR_MEDIAN:
        return NOTHING
    lower = _nth(histogram, (total - 1) // 2)
    upper = _nth(histogram, total // 2)
    middle = (lower + upper) / 2
    return Shown(int(middle) if middle == int(middle) else middle)


def _nth(histogram: Counter, index: int) -> int:
    """The ``index``-th value (from 0) in increasing order."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if index < seen:
            return value
    raise IndexError(index)


def merged(histograms: Iterable[Counter]) -> Counter:
    total: Counter = Counter()
    for histogram in histograms:
        total.update(histogram)
    return total


def share(part: Shown, whole: Shown) -> Shown:
    """``part`` as a percentage of ``whole`` (one decimal), shown when both are."""
    if not (part.visible and whole.visible) or not whole.value:
        return NOTHING
    return Shown(round(100 * part.value / whole.value, 1))


def hours(minutes: int, hidden: bool = False) -> Shown:
    """Minutes as hours with one decimal; hidden with the count it would reveal."""
    if hidden:
        return Shown(None, CONCEALED)
    return Shown(round(minutes / 60, 1))
