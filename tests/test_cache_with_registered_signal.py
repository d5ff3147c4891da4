"""The cross-process tests of ``test_cache_across_processes.py`` again, on PostgreSQL
with a calendar signal registered (``booking calendar-signal register``): cache hits
then skip the stamp as on SQLite, and still no cached answer offers a time that
another process took."""

from __future__ import annotations

import pytest

from booking.data.sessions import make_session_factory
from booking.data.signal_registration import register_signal
from tests.test_cache_across_processes import (  # noqa: F401  (collected here again)
    test_a_booking_in_another_process_is_never_offered,
    test_a_booking_paused_around_its_commit_is_offered_until_it_commits_and_never_after,
    test_a_cancellation_in_another_process_offers_the_time_again,
    test_a_change_elsewhere_leaves_the_answer_cached,
    test_a_hold_made_elsewhere_is_busy_until_it_lapses_and_then_free_with_nothing_written,
    test_a_move_in_another_process_takes_the_new_time_and_frees_the_old,
    test_admin_changes_in_another_process_are_never_served_stale,
    test_an_unchanged_answer_is_sent_without_reading_the_stamp_where_the_signal_is_shared,
    test_one_hour_later_the_answer_has_lost_the_times_now_too_soon,
    test_the_api_answers_304_to_a_current_etag_and_200_after_a_change,
    world,
)

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def signal(engine, tmp_path) -> str:
    """A signal registered in a file of this test's own."""
    with make_session_factory(engine)() as session:
        register_signal(session, str(tmp_path / "calendar-signal"))
    return "registered"
