"""README's settings table names every setting the app reads from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config.settings import ENV_PREFIXES, INT_SETTINGS, DefaultSettings, settings_from_env

README = Path(__file__).resolve().parent.parent / "README.md"
SETTINGS = sorted(name for name in vars(DefaultSettings) if name.startswith(ENV_PREFIXES))


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_setting_is_in_the_readmes_table(setting):
    rows = re.findall(r"^\| ([^|]*) \|", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert any(f"`{setting}`" in names for names in rows), f"{setting} is not in README's table"


@pytest.mark.parametrize("setting", sorted(INT_SETTINGS))
def test_whole_number_settings_are_documented_with_their_default(setting):
    row = re.search(rf"^\| `{setting}` \|.*\| (\S+) \|$", README.read_text(), re.MULTILINE)
    assert row and row.group(1) == str(getattr(DefaultSettings, setting)), setting


def test_the_check_in_window_is_read_from_the_environment():
    environ = {"BOOKING_SECRET_KEY": "k" * 32}
    assert settings_from_env(environ)["BOOKING_CHECK_IN_MINUTES"] == 60
    environ["BOOKING_CHECK_IN_MINUTES"] = "30"
    assert settings_from_env(environ)["BOOKING_CHECK_IN_MINUTES"] == 30
