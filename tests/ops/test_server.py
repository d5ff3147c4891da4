"""The production server's access log never shows a secret token, and the server
raises its limit of open files as far as it may."""

from __future__ import annotations

import subprocess
import sys

import pytest

from booking.server import OPEN_FILES_WANTED
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
