"""The instance's own secret key, made on a fresh install by whichever process asks first.

``booking serve --workers 2`` and ``booking scheduler`` may all start at once on a
fresh install without ``BOOKING_SECRET_KEY``: they must all end up with the one
same key, none with an error or an empty key, and the file readable by its owner
only.
"""

from __future__ import annotations

import re
import stat

from tests.ops.secret_key_race import read_key
from tests.process_race import run_together

PROCESSES = 8


def test_processes_starting_at_once_on_a_fresh_install_share_one_whole_key(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    keys = run_together(
        read_key, [(str(path),)] * PROCESSES, preload=["config.settings"], timeout=60
    )
    assert len(set(keys)) == 1, keys
    assert re.fullmatch(r"[0-9a-f]{64}", keys[0]), keys
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no drafts left
