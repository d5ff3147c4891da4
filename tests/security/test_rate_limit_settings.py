"""Each limited action has one setting and one count, the same on the web pages and in the API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.app import create_app
from booking.web.extensions import limiter
from config.settings import DefaultSettings
from tests.conftest import test_settings as settings_for

README = Path(__file__).resolve().parents[2] / "README.md"
#: action's setting → (method, web page, API path)
ACTIONS = {
    "BOOKING_RATELIMIT_BOOKING": ("POST", "/book/confirm", "/api/v1/appointments"),
    "BOOKING_RATELIMIT_CODE": ("POST", "/manage/x/code", "/api/v1/appointments/1/confirm"),
    "BOOKING_RATELIMIT_MOVE": ("POST", "/manage/x/move/confirm", "/api/v1/appointments/1/move"),
    "BOOKING_RATELIMIT_CANCEL": ("POST", "/manage/x/cancel", "/api/v1/appointments/1/cancel"),
    "BOOKING_RATELIMIT_LOOKUP": ("GET", "/manage/x", "/api/v1/appointments/1"),
}
RATE_LIMIT_SETTINGS = sorted(
    name for name in vars(DefaultSettings) if name.startswith("BOOKING_RATELIMIT_")
)


@pytest.fixture
def limited(database_url, clean_database):
    app = create_app(
        settings_for(
            database_url,
            RATELIMIT_ENABLED=True,
            BOOKING_RATELIMIT_ENABLED=True,
            **{name: "2 per minute" for name in ACTIONS},
        )
    )
    yield app
    limiter.enabled = False  # as every other test app has it
    app.extensions["booking.engine"].dispose()


@pytest.mark.parametrize("setting", ACTIONS)
def test_the_web_page_and_the_api_share_one_count(limited, setting):
    method, page, api_path = ACTIONS[setting]
    client = limited.test_client()
    send = client.get if method == "GET" else client.post
    answers = [
        send(page).status_code,
        send(api_path, json={}).status_code,
        send(page).status_code,
        send(api_path, json={}).status_code,
    ]
    assert 429 not in answers[:2]
    assert answers[2:] == [429, 429]


#: Limited on the web pages only (no API twin).
WEB_ONLY = {"BOOKING_RATELIMIT_SIGN_IN", "BOOKING_RATELIMIT_FEEDBACK"}


def test_every_action_and_sign_in_has_its_setting():
    assert set(ACTIONS) | WEB_ONLY | {"BOOKING_RATELIMIT_ENABLED"} == set(RATE_LIMIT_SETTINGS)


@pytest.mark.parametrize("setting", RATE_LIMIT_SETTINGS)
def test_every_rate_limit_setting_is_documented_with_its_default(setting):
    row = re.search(rf"^\| `{setting}` \|.*$", README.read_text(), re.MULTILINE)
    assert row, f"{setting} is not in README's settings table"
    default = getattr(DefaultSettings, setting)
    if isinstance(default, str):
        assert f"`{default}`" in row.group(0)
