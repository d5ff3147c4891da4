"""Small counts hidden, and the totals that would give them away hidden too. Pure.

Every figure a table publishes is a count of appointments.  A count from 1 to 4
is shown as ``<5`` (primary suppression).  Counts are tied together by sums: a
row's booked appointments are its online plus its desk bookings, a column's
total is the sum of its rows.  A sum whose parts are all known but one would
give that one away, so the sum is hidden as well (and, when a hidden total has
only one hidden part left, a further part: the smallest one shown).  The same
holds when the hidden parts could only be all ones or all fours.

:func:`protect` takes the counts, the sums that tie them, and the counts a
reader knows without being told; it returns the counts to hide.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

SMALLEST_SHOWN = 5


@dataclass(frozen=True)
class Sum:
    """``total`` = the sum of ``parts`` (all names of counts)."""

    total: Hashable
    parts: tuple[Hashable, ...]


def is_small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def protect(
    counts: Mapping[Hashable, int] | Sequence[int],
    sums: Iterable[Sum],
    *,
    known: Iterable[Hashable] = (),
) -> set[Hashable]:
    """The names of the counts to hide (names are positions when ``counts`` is a list).

    ``known`` counts are not published but taken as known to any reader (to be
    safe), and are never hidden themselves."""
    known = set(known)
    sums = list(sums)
    sums_of: dict[Hashable, list[int]] = {}
    for index, one in enumerate(sums):
        for name in (one.total, *one.parts):
            sums_of.setdefault(name, []).append(index)
    named = counts.items() if isinstance(counts, Mapping) else enumerate(counts)
    small = {name for name, count in named if is_small(count) and name not in known}
    hidden = set(small)
    # Short sums first (a row's own parts before a column's total): a total is then
    # judged once the rows below it have hidden what they must, and is not hidden
    # for a part that turns out to be hidden anyway.
    waiting = [(len(one.parts), index) for index, one in enumerate(sums)]
    heapq.heapify(waiting)
    queued = set(range(len(sums)))
    while waiting:
        _size, index = heapq.heappop(waiting)
        queued.discard(index)
        extra = _also_hide(counts, sums[index], hidden, small, known)
        if extra is None or extra in hidden:
            continue
        hidden.add(extra)
        for again in (*sums_of.get(extra, ()), index):
            if again not in queued:
                queued.add(again)
                heapq.heappush(waiting, (len(sums[again].parts), again))
    return hidden


def _also_hide(counts, one: Sum, hidden: set, small: set, known: set) -> Hashable | None:
    """A count to hide so that ``one`` gives no hidden count away, or None.

    ``small`` counts are shown as "<5", so a reader knows each lies in 1…4."""
    hidden_parts = [part for part in one.parts if part in hidden]
    if one.total not in hidden:
        if not hidden_parts:
            return None
        many = len(hidden_parts)
        if many == 1:
            return one.total
        left = counts[one.total] - sum(counts[p] for p in one.parts if p not in hidden)
        all_small = all(part in small for part in hidden_parts)
        if all_small and left in (many, many * (SMALLEST_SHOWN - 1)):
            return one.total  # every hidden part must be 1 (or 4)
        return None
    if hidden_parts:
        return None
    # The total is hidden but every part is shown: it is their sum.  Hide a part too.
    shown = [
        part for part in one.parts if part not in known and counts[part] > 0 and part not in hidden
    ]
    if not shown:
        return None  # only zeros and known counts: nothing left to hide it with
    return min(shown, key=lambda part: (counts[part], str(part)))
