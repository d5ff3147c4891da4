"""Browser-test fixtures: a live server, Debian's Chromium through Playwright, axe-core.

- ``live_server``: the real app (CSRF on, real forms) served by a werkzeug
  thread on 127.0.0.1 with its own fresh SQLite database.  ``live_server.url``
  is its address, ``live_server.errors`` collects unhandled server errors
  (tests assert it stays empty).
- ``live_factory``: a ``tests.factories.Factory`` writing to the live server's
  database; the database is emptied after each test.
- ``live_region``: the usual small world (one point, Kela's 30-minute service,
  one expert) in that database; ``accounts``: its advisor and Kela's expert.
- ``browser``: headless Chromium (``/usr/bin/chromium``) driven by Playwright.
- ``page``: a fresh page (own cookies) in a phone-sized or given viewport.
- ``axe_violations(page)``: WCAG 2.0/2.1 A and AA violations axe-core finds
  (axe-core as bundled by the PyPI package ``axe-playwright-python``).

Without Chromium, Playwright or axe-playwright-python the browser tests are
skipped — unless ``BOOKING_REQUIRE_BROWSER=1``, when they fail instead (CI sets it).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from werkzeug.serving import make_server

from booking.app import create_app
from booking.data.enums import Role
from booking.data.schema import upgrade_schema
from booking.data.sessions import make_engine, make_session_factory
from booking.region.loader import load_region
from booking.region.reader import read_region_file
from config.settings import REGION_FILE
from tests.conftest import empty_all_tables, test_settings
from tests.factories import Factory
from tests.staff.conftest import add_account

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_VIEWPORT = {"width": 390, "height": 844}
REQUIRE_ENV = "BOOKING_REQUIRE_BROWSER"


def missing_browser_parts() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install playwright)")
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        missing.append("axe-core (pip install axe-playwright-python)")
    return missing


class _ErrorCollector(logging.Handler):
    def __init__(self, errors: list[str]):
        super().__init__(level=logging.ERROR)
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(record.getMessage())


@dataclass
class LiveServer:
    url: str
    app: Flask
    engine: Engine
    errors: list[str] = field(default_factory=list)

    def session(self):
        """A new session on the live server's database; the caller closes it."""
        return make_session_factory(self.engine)()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'booking.sqlite3'}"
    engine = make_engine(database_url)
    upgrade_schema(engine)
    settings = test_settings(
        database_url,
        TESTING=False,  # errors become the app's own 500 page, as in production
        WTF_CSRF_ENABLED=True,
        SERVER_NAME=None,
    )
    app = create_app(settings)
    errors: list[str] = []
    collector = _ErrorCollector(errors)
    app.logger.addHandler(collector)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BOOKING_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, engine=engine, errors=errors)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.logger.removeHandler(collector)
        app.extensions["booking.engine"].dispose()
        engine.dispose()


@pytest.fixture
def live_factory(live_server) -> Iterator[Factory]:
    """Writes test data the live server sees; empties the database afterwards."""
    session = live_server.session()
    live_server.errors.clear()
    try:
        yield Factory(session)
    finally:
        session.close()
        empty_all_tables(live_server.engine)


@pytest.fixture
def live_region(live_factory) -> dict[str, object]:
    return live_factory.region()


@pytest.fixture
def accounts(live_factory, live_region, clock):
    """An advisor of the point and Kela's expert; time stopped at Monday 2 March 2026,
    10:00 Helsinki."""
    session = live_factory.session
    return {
        "advisor": add_account(session, "advisor", Role.ADVISOR, points=[live_region["point"]]),
        "expert": add_account(
            session, "expert", Role.EXPERT, agency="kela", expert=live_region["expert"]
        ),
    }


@pytest.fixture
def whole_region(live_server, live_factory):
    """The shipped region file loaded into the live server's database."""
    session = live_server.session()
    try:
        load_region(session, read_region_file(REGION_FILE))
        session.commit()
        yield
    finally:
        session.close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator[object]:
    missing = missing_browser_parts()
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    cache = tmp_path_factory.mktemp("chromium-cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = previous
        shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture
def new_page(browser):
    """``new_page(viewport=..., locale=..., javascript=...)``: a page in its own context."""
    contexts = []

    def open_page(
        viewport: dict[str, int] | None = None, locale: str = "fi-FI", javascript: bool = True
    ):
        context = browser.new_context(
            viewport=viewport or PHONE_VIEWPORT, locale=locale, java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:
    """The axe-core violations of the page's current state for WCAG 2.0/2.1 A and AA.

    axe is evaluated through the DevTools protocol, so the page's own
    Content-Security-Policy (no inline scripts) stays in force.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": tags or WCAG_TAGS, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in results.response["violations"]
    ]


def describe_violations(violations: list[dict]) -> str:
    """A readable one-line-per-rule summary for assertion messages."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'][:3])}" for v in violations
    )


def assert_clean(page, step: str) -> None:
    """The page is no wider than its viewport, and axe finds no violation."""
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{step}: {width} px wide at {inner} px"
    violations = axe_violations(page)
    assert not violations, f"{step}: {describe_violations(violations)}"
