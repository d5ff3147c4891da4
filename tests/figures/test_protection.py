"""Small counts hidden, and the sums that would give them away: the pure rule, and the
arithmetic of medians, shares and hours."""

from __future__ import annotations

from collections import Counter

import pytest

from booking.figures.protection import Sum, protect
from booking.figures.shown import Shown, count, hours, median, share


def test_counts_from_one_to_four_are_hidden_and_zero_is_not():
    counts = {"a": 0, "b": 1, "c": 4, "d": 5}
    assert protect(counts, []) == {"b", "c"}


def test_a_total_with_one_hidden_part_is_hidden_too():
    counts = {"booked": 7, "online": 5, "desk": 2}
    assert protect(counts, [Sum("booked", ("online", "desk"))]) == {"desk", "booked"}


def test_a_total_with_two_hidden_parts_stays_unless_they_must_be_all_ones_or_all_fours():
    sums = [Sum("total", ("a", "b", "c"))]
    assert protect({"total": 20, "a": 15, "b": 2, "c": 3}, sums) == {"b", "c"}
    assert protect({"total": 17, "a": 15, "b": 1, "c": 1}, sums) == {"b", "c", "total"}
    assert protect({"total": 23, "a": 15, "b": 4, "c": 4}, sums) == {"b", "c", "total"}


def test_a_hidden_total_whose_parts_all_show_hides_its_smallest_part():
    # "booked" is hidden by the first sum; the second would give it back as 5 + 2.
    counts = {"booked": 8, "done": 7, "no_show": 1, "held": 6, "cancelled": 2}
    sums = [Sum("booked", ("done", "no_show")), Sum("booked", ("held", "cancelled"))]
    assert protect(counts, sums) == {"no_show", "booked", "cancelled"}


def test_known_counts_are_subtracted_but_never_hidden():
    counts = {"booked": 6, "done": 4, "open": 2}
    hidden = protect(counts, [Sum("booked", ("done", "open"))], known={"open"})
    assert hidden == {"done", "booked"}


def test_hiding_spreads_across_sums_that_share_a_count():
    counts = {"month": 30, "cell_a": 27, "cell_b": 3, "a_online": 20, "a_desk": 7}
    sums = [Sum("month", ("cell_a", "cell_b")), Sum("cell_a", ("a_online", "a_desk"))]
    # month hides (one hidden part); nothing else needs to.
    assert protect(counts, sums) == {"cell_b", "month"}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4], None),  # fewer than five: not shown
        ([5, 1, 3, 2, 4], 3),
        ([1, 2, 3, 4, 5, 6], 3.5),
        ([0, 0, 0, 2, 3, 5], 1),
        ([7, 7, 7, 7, 7, 100], 7),
    ],
)
def test_median_of_a_histogram(values, expected):
    assert median(Counter(values)).value == expected


def test_shares_need_both_figures_shown():
    assert share(Shown(9), Shown(14)).text() == "64.3"
    assert share(count(3, True), Shown(14)).text() == ""
    assert share(Shown(3), count(14, True)).text() == ""


def test_hidden_counts_are_written_as_less_than_five_or_x():
    assert count(3, True).text() == "<5"
    assert count(12, True).text() == "x"
    assert count(0, False).text() == "0"
    assert hours(90).text() == "1.5"
    assert hours(90, hidden=True).text() == "x"
