"""A short secret key stops the app at start; HSTS on https sites; no <base> in pages."""

from __future__ import annotations

import subprocess

import pytest

from booking.app import create_app
from config.settings import InsecureSettings
from tests.conftest import test_settings as settings_for
from tests.security.live_server import ROOT, booking_command, server_env


def test_a_short_secret_key_is_refused(database_url, clean_database):
    with pytest.raises(InsecureSettings, match="at least 32"):
        create_app(settings_for(database_url, SECRET_KEY="test-secret-key"))


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["setup"]])
def test_the_command_names_the_setting_and_stops(tmp_path, command):
    env = server_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", 0)
    env["BOOKING_SECRET_KEY"] = "short-key"
    result = subprocess.run(
        [booking_command(), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "BOOKING_SECRET_KEY has 9 bytes; it needs at least 32" in result.stderr
    assert "Traceback" not in result.stderr


def front_page_headers(database_url: str, base_url: str):
    app = create_app(settings_for(database_url, BOOKING_BASE_URL=base_url))
    try:
        return app.test_client().get("/api/v1/health").headers
    finally:
        app.extensions["booking.engine"].dispose()


def test_https_sites_tell_browsers_to_keep_to_https(database_url, clean_database):
    headers = front_page_headers(database_url, "https://varaus.keskisuomi.example")
    assert headers["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_sites_send_no_hsts(database_url, clean_database):
    assert "Strict-Transport-Security" not in front_page_headers(
        database_url, "http://127.0.0.1:5000"
    )


def test_pages_may_not_set_a_base_address(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
