"""Application settings.

Defaults are safe for a single demo machine; every public setting
(README, "Configure") can be overridden from the environment.  Nothing here reads the
environment at import time: :func:`settings_from_env` is called by
``create_app``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_FILE = PROJECT_ROOT / "config" / "regions" / "keski-suomi.toml"


class DefaultSettings:
    """Defaults for one machine: SQLite, console senders, rate limits counted in the database."""

    BOOKING_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'etavaraus.sqlite3'}"
    BOOKING_BASE_URL = "http://127.0.0.1:5000"
    BOOKING_REGION_FILE = str(REGION_FILE)
    BOOKING_SMS_BACKEND = "console"
    BOOKING_SMS_FROM = "Etavaraus"
    BOOKING_TWILIO_API_BASE = ""
    TWILIO_ACCOUNT_SID = ""
    TWILIO_AUTH_TOKEN = ""
    BOOKING_SMTP_URL = ""
    BOOKING_MAIL_FROM = "etavaraus@keskisuomi.invalid"
    # Where citizens send accessibility feedback and questions about their personal data.
    BOOKING_CONTACT_EMAIL = "kirjaamo@keskisuomi.invalid"
    BOOKING_REDIS_URL = ""
    BOOKING_RATELIMIT_ENABLED = True
    # Reverse proxies in front that set X-Forwarded-For/-Proto; 0 believes no such header.
    BOOKING_TRUSTED_PROXIES = 0
    # Personal data is erased this many days after the appointment.
    BOOKING_RETENTION_DAYS = 90
    # A manage link stops working this many days after the appointment.
    BOOKING_MANAGE_LINK_DAYS = 14
    # Active future appointments one mobile number (or, booked without one, one
    # e-mail address) may hold per agency.
    BOOKING_MAX_ACTIVE_PER_AGENCY = 2
    # Online bookings hold their time until the citizen types the code sent by SMS.
    BOOKING_VERIFY_PHONE = True
    # How long a time is held for the code.
    BOOKING_HOLD_MINUTES = 10
    # The desk may check a citizen in from this many minutes before the start.
    BOOKING_CHECK_IN_MINUTES = 60
    # Free-time answers kept per worker: a region's working set, about 15 KiB each.
    BOOKING_AVAILABILITY_CACHE_ENTRIES = 4096
    # Rate limits per client address, the same on the web pages and in the API
    # (Flask-Limiter's notation: "N per minute;M per hour").
    BOOKING_RATELIMIT_BOOKING = "10 per minute;60 per hour"
    BOOKING_RATELIMIT_CODE = "20 per minute;100 per hour"
    BOOKING_RATELIMIT_MOVE = "20 per minute;100 per hour"
    BOOKING_RATELIMIT_CANCEL = "20 per minute;100 per hour"
    BOOKING_RATELIMIT_LOOKUP = "30 per minute;300 per hour"
    BOOKING_RATELIMIT_SIGN_IN = "10 per minute"
    BOOKING_RATELIMIT_FEEDBACK = "5 per hour;20 per day"
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")
    # Forms and JSON bodies are small; larger bodies get 413 without being read.
    MAX_CONTENT_LENGTH = 64 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None


BOOL_SETTINGS = {"BOOKING_RATELIMIT_ENABLED", "BOOKING_VERIFY_PHONE", "SESSION_COOKIE_SECURE"}
INT_SETTINGS = {
    "BOOKING_RETENTION_DAYS",
    "BOOKING_MANAGE_LINK_DAYS",
    "BOOKING_MAX_ACTIVE_PER_AGENCY",
    "BOOKING_TRUSTED_PROXIES",
    "BOOKING_HOLD_MINUTES",
    "BOOKING_CHECK_IN_MINUTES",
    "BOOKING_AVAILABILITY_CACHE_ENTRIES",
}
ENV_PREFIXES = ("BOOKING_", "TWILIO_")
#: Session cookies and CSRF tokens are signed with the secret key; shorter keys can be guessed.
MIN_SECRET_KEY_BYTES = 32


class InsecureSettings(ValueError):
    """A setting that would leave the site open; the message says what to change."""


def check_secret_key(key: object) -> None:
    """Refuse a missing or short secret key, with a message saying how to make one."""
    length = len(key.encode()) if isinstance(key, str) else len(key or b"")  # type: ignore[arg-type]
    if length < MIN_SECRET_KEY_BYTES:
        raise InsecureSettings(
            f"BOOKING_SECRET_KEY has {length} bytes; it needs at least {MIN_SECRET_KEY_BYTES}. "
            "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )


def parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Return the settings: defaults overlaid with the environment."""
    environ = os.environ if environ is None else environ
    settings: dict[str, object] = {
        name: getattr(DefaultSettings, name) for name in dir(DefaultSettings) if name.isupper()
    }
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIXES):
            continue
        if name in BOOL_SETTINGS:
            settings[name] = parse_bool(value)
        elif name in INT_SETTINGS:
            settings[name] = int(value)
        else:
            settings[name] = value
    # Without a configured key, one random key is kept in instance/ so that all
    # workers of this machine share it and sessions survive a restart.
    settings["SECRET_KEY"] = environ.get("BOOKING_SECRET_KEY") or instance_secret_key()
    settings["SESSION_COOKIE_SECURE"] = str(settings["BOOKING_BASE_URL"]).startswith("https://")
    return settings


def instance_secret_key(path: Path = PROJECT_ROOT / "instance" / "secret_key") -> str:
    """A random key made once for this machine and kept readable by its owner only.

    Workers and the scheduler may start at once on a fresh install: each writes a
    key of its own to a private file and links it into place only if no key is
    there yet, so the first one wins and nobody ever reads a half-written key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as key_file:
                key_file.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_text().strip()
