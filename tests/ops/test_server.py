"""The production server's access log never shows a secret token."""

from __future__ import annotations

from booking.web.secret_paths import mask_secrets


def test_manage_tokens_are_masked_in_access_logs():
    assert mask_secrets("/manage/abcDEF123_-x/calendar.ics") == "/manage/…/calendar.ics"


def test_feed_tokens_are_masked_in_access_logs():
    assert mask_secrets("/feeds/s3cr3t.ics") == "/feeds/…"


def test_ordinary_paths_are_kept():
    assert mask_secrets("/points/keuruu") == "/points/keuruu"
