"""Refusals: every use case's msgid is extracted, translated into fi and sv, and shown
translated by the web layer; the use cases themselves load no Flask."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from booking.app import create_app
from booking.appointments import errors
from booking.appointments.errors import BookingError, SlotTaken
from booking.web.refusals import refusal_text
from tests.conftest import test_settings as settings_for

ROOT = Path(__file__).resolve().parent.parent
USE_CASES = ROOT / "booking" / "appointments"
TRANSLATIONS = ROOT / "booking" / "translations"
LANGUAGES = ("fi", "sv")


def marked_msgids() -> set[str]:
    """Every string the use cases mark with ``N_``, read from their source."""
    found: set[str] = set()
    for path in USE_CASES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                (argument,) = node.args
                assert isinstance(argument, ast.Constant), f"{path.name}: N_ takes a literal"
                found.add(argument.value)
    return found


def every_booking_error(cls: type[BookingError] = BookingError):
    yield cls
    for subclass in cls.__subclasses__():
        yield from every_booking_error(subclass)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The msgids ``pybabel extract -F babel.cfg -o <pot> booking`` finds."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(pot)]
    CommandLineInterface().run([*args, str(ROOT / "booking")])
    with pot.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


def translations(language: str) -> dict[str, str]:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def test_every_refusal_msgid_is_extracted_and_translated_into_finnish_and_swedish(extracted):
    msgids = marked_msgids() | {error.default_msgid for error in every_booking_error()}
    assert "This time has already passed." in msgids  # the source was read
    assert msgids - extracted == set()
    for language in LANGUAGES:
        catalog = translations(language)
        untranslated = sorted(msgid for msgid in msgids if not catalog.get(msgid, "").strip())
        assert untranslated == [], language


def test_a_refusal_is_shown_in_the_language_asked_with_its_params_filled_in(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'unused.sqlite3'}"))
    with app.test_request_context("/?lang=sv"):
        assert refusal_text(SlotTaken()) == translations("sv")[SlotTaken.default_msgid]
    with app.test_request_context("/?lang=fi"):
        booked = BookingError(
            errors.N_("Booked. Reference %(reference)s."), params={"reference": "K7Q-2MX"}
        )
        assert refusal_text(booked) == "Varattu. Varaustunnus K7Q-2MX."
    app.extensions["booking.engine"].dispose()


def test_the_use_cases_load_no_flask():
    modules = ", ".join(
        f"booking.appointments.{path.stem}"
        for path in USE_CASES.glob("*.py")
        if path.stem != "__init__"
    )
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, {modules}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'flask', 'flask_babel', 'werkzeug', 'jinja2'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert loaded.stdout.strip() == "[]"
