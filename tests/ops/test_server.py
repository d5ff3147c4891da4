"""The production server's access log never shows a secret token, the server raises
its limit of open files as far as it may, and a worker near its limit of connections
closes the idle ones of whoever holds the most."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from booking.server import OPEN_FILES_WANTED
from booking.server_worker import idle_to_close
from booking.web.secret_paths import mask_secrets


def test_manage_tokens_are_masked_in_access_logs():
    assert mask_secrets("/manage/abcDEF123_-x/calendar.ics") == "/manage/…/calendar.ics"


def test_feed_tokens_are_masked_in_access_logs():
    assert mask_secrets("/feeds/s3cr3t.ics") == "/feeds/…"


def test_ordinary_paths_are_kept():
    assert mask_secrets("/points/keuruu") == "/points/keuruu"


LIMITS_AFTER_RAISING = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), int(sys.argv[2])))
from booking.server import raise_open_files_limit
raise_open_files_limit()
print(*resource.getrlimit(resource.RLIMIT_NOFILE))
"""


@pytest.mark.parametrize(
    ("soft", "hard", "expected"),
    [
        (1024, 8192, OPEN_FILES_WANTED),  # a service manager's usual soft limit
        (1024, 2048, 2048),  # no further than the hard limit
        (8000, 8192, 8000),  # never lowered
    ],
)
def test_the_server_raises_its_open_files_limit_within_the_hard_one(soft, hard, expected):
    limits = subprocess.run(
        [sys.executable, "-c", LIMITS_AFTER_RAISING, str(soft), str(hard)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert limits == [str(expected), str(hard)]


def connection(address: str, number: int) -> SimpleNamespace:
    return SimpleNamespace(client=(address, 40000 + number))


def test_room_is_made_from_the_address_holding_the_most_idle_connections():
    visitor = [connection("198.51.100.7", number) for number in range(2)]
    flood = [connection("203.0.113.9", number) for number in range(8)]
    kept_alive, pending = [visitor[0], flood[0]], [visitor[1], *flood[1:]]
    # The flood's kept-alive one first, then its oldest pending ones, until it holds
    # no more than the visitor.
    assert idle_to_close(kept_alive, pending, 6) == flood[:6]
    last_two = idle_to_close(kept_alive, pending, 8)[6:]
    assert {id(conn) for conn in last_two} == {id(flood[6]), id(visitor[0])}


def test_behind_a_proxy_room_is_made_from_the_longest_idle():
    kept_alive = [connection("10.0.0.1", number) for number in range(2)]
    pending = [connection("10.0.0.1", number) for number in range(2, 5)]
    assert idle_to_close(kept_alive, pending, 3) == [*kept_alive, pending[0]]
    assert idle_to_close(kept_alive, pending, 9) == [*kept_alive, *pending]
