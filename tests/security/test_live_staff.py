"""Over real HTTP: accounts made without a password on the command line (from standard
input, or typed at a prompt that does not echo it), signing in and out, no-store on
staff pages, and a copied session cookie that dies at sign-out."""

from __future__ import annotations

import pytest

from tests.security.browser import Browser
from tests.security.live_server import ROOT, booking_command
from tests.security.terminal import run_on_terminal

pytestmark = pytest.mark.slow

EMAIL = "paakayttaja@live.example"
PASSWORD = "live-server-salasana-2026"


@pytest.fixture(scope="module")
def admin_account(live):
    made = live.command(
        "user", "add", "--role", "admin", "--email", EMAIL, "--password-stdin", stdin=PASSWORD
    )
    assert made.returncode == 0, made.stderr
    assert PASSWORD not in made.stdout + made.stderr
    return EMAIL


def signed_in_browser(live, email: str = EMAIL, password: str = PASSWORD) -> Browser:
    browser = Browser(live.port)
    form = browser.get("/staff/sign-in")
    assert form.headers["Cache-Control"] == "no-store"
    answer = browser.post(
        "/staff/sign-in",
        {"csrf_token": form.csrf_token(), "email": email, "password": password},
    )
    assert answer.status == 302, answer.text[:300]
    assert answer.headers["Location"] == "/admin/"
    return browser


def test_a_copied_cookie_dies_when_its_owner_signs_out(live, admin_account):
    owner = signed_in_browser(live)
    admin_page = owner.get("/admin/")
    assert admin_page.status == 200
    assert admin_page.headers["Cache-Control"] == "no-store"

    thief = Browser(live.port)
    thief.cookies = dict(owner.cookies)
    assert thief.get("/admin/").status == 200

    signed_out = owner.post("/staff/sign-out", {"csrf_token": admin_page.csrf_token()})
    assert signed_out.status == 302
    assert signed_out.headers["Clear-Site-Data"] == '"cache"'
    assert owner.get("/admin/").status == 302
    stolen = thief.get("/admin/")
    assert stolen.status == 302
    assert stolen.headers["Location"].startswith("/staff/sign-in")


def test_a_password_on_the_command_line_is_refused(live):
    refused = live.command(
        "user", "add", "--role", "admin", "--email", "toinen@live.example", "--password", PASSWORD
    )
    assert refused.returncode != 0
    assert "No such option" in refused.stderr


def test_the_password_is_typed_twice_at_a_prompt_that_does_not_echo_it(live):
    email, password = "kolmas@live.example", "kirjoitettu-salasana-2026"
    status, shown = run_on_terminal(
        [booking_command(), "user", "add", "--role", "admin", "--email", email],
        env=live.env,
        cwd=ROOT,
        answers=[("Password:", password), ("Repeat for confirmation:", password)],
    )
    assert status == 0, shown
    assert "Repeat for confirmation:" in shown
    assert password not in shown
    assert signed_in_browser(live, email, password).get("/admin/").status == 200
