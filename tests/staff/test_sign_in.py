"""Staff sign-in: real password hashes, lockout after repeated failures, cookies, sign-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from booking.app import create_app
from booking.data.audit_models import AuditEvent
from booking.demo.calendar import DEMO_STAFF, add_demo_data
from booking.region.loader import load_region
from booking.region.reader import read_region_file
from booking.staff.accounts import add_staff_user
from booking.staff.sign_in import FREE_FAILURES, wait_after
from booking.web.extensions import limiter
from tests.conftest import test_settings as settings_for
from tests.factories import NOW

REGION_FILE = Path(__file__).resolve().parents[2] / "config" / "regions" / "keski-suomi.toml"
REAL_PASSWORD = "pitkä-ja-hyvä-salasana"


@pytest.fixture
def advisor(factory, session, clock):
    factory.point()
    account = add_staff_user(
        session,
        role="advisor",
        email="Paula@Testila.example",
        password=REAL_PASSWORD,
        point_ids=["testila"],
    )
    session.commit()
    return account


def post_sign_in(client, email: str, password: str, next_page: str | None = None):
    path = "/staff/sign-in" + (f"?next={next_page}" if next_page else "")
    return client.post(path, data={"email": email, "password": password})


def test_right_password_opens_the_desk(client, advisor):
    answer = post_sign_in(client, "paula@testila.example", REAL_PASSWORD)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/desk/")
    assert client.get("/desk/testila").status_code == 200


def test_session_cookie_is_http_only_and_same_site(client, advisor):
    answer = post_sign_in(client, "paula@testila.example", REAL_PASSWORD)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_the_site_is_https(app, advisor):
    app.config["SESSION_COOKIE_SECURE"] = True  # what BOOKING_BASE_URL=https://… sets
    answer = post_sign_in(app.test_client(), "paula@testila.example", REAL_PASSWORD)
    assert "Secure" in answer.headers["Set-Cookie"]


def test_wrong_password_and_unknown_address_get_the_same_answer(client, advisor):
    wrong = post_sign_in(client, "paula@testila.example", "väärä salasana")
    unknown = post_sign_in(client, "nobody@testila.example", REAL_PASSWORD)
    assert wrong.status_code == unknown.status_code == 200
    assert "Sähköpostiosoite tai salasana on väärä." in wrong.get_data(as_text=True)
    assert "Sähköpostiosoite tai salasana on väärä." in unknown.get_data(as_text=True)
    assert client.get("/desk/testila").status_code == 302


def test_repeated_failures_make_this_address_wait_a_while(client, advisor, clock):
    for _attempt in range(FREE_FAILURES + 1):
        post_sign_in(client, "paula@testila.example", "arvaus")
    waiting = post_sign_in(client, "paula@testila.example", REAL_PASSWORD)
    assert waiting.status_code == 200  # the right password is not even checked meanwhile
    assert "Odota hetki" in waiting.get_data(as_text=True)

    clock.set(NOW + wait_after(FREE_FAILURES + 1))
    assert post_sign_in(client, "paula@testila.example", REAL_PASSWORD).status_code == 302


def test_failed_and_successful_sign_ins_are_audited(client, advisor, session):
    post_sign_in(client, "paula@testila.example", "arvaus")
    post_sign_in(client, "paula@testila.example", REAL_PASSWORD)
    actions = [event.action for event in session.query(AuditEvent).order_by(AuditEvent.id)]
    session.commit()
    assert actions == ["sign_in_failed", "sign_in"]


def test_next_page_is_followed_only_within_the_site(client, advisor):
    inside = post_sign_in(client, "paula@testila.example", REAL_PASSWORD, "/desk/search")
    assert inside.headers["Location"].endswith("/desk/search")
    client.post("/staff/sign-out")
    outside = post_sign_in(client, "paula@testila.example", REAL_PASSWORD, "//evil.example/")
    assert "evil" not in outside.headers["Location"]


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, advisor):
    answer = client.get("/desk/testila")
    assert answer.status_code == 302
    assert "/staff/sign-in?next=" in answer.headers["Location"]


def test_sign_out_ends_the_session(client, advisor):
    post_sign_in(client, "paula@testila.example", REAL_PASSWORD)
    assert client.post("/staff/sign-out").status_code == 302
    assert client.get("/desk/testila").status_code == 302


def test_staff_pages_speak_finnish_whatever_the_browser_says(client, advisor):
    page = client.get("/staff/sign-in", headers={"Accept-Language": "en-GB,en"})
    assert 'lang="fi"' in page.get_data(as_text=True)
    assert "Kirjaudu sisään" in page.get_data(as_text=True)


def test_every_demo_login_signs_in(app, session):
    load_region(session, read_region_file(REGION_FILE))
    add_demo_data(session, NOW, days=0)
    session.commit()
    for login in DEMO_STAFF:
        answer = post_sign_in(app.test_client(), login.email, login.password)
        assert answer.status_code == 302, login.role


def test_sign_in_attempts_are_rate_limited_per_address(database_url, advisor):
    limited = create_app(
        settings_for(database_url, RATELIMIT_ENABLED=True, BOOKING_RATELIMIT_ENABLED=True)
    )
    try:
        client = limited.test_client()
        answers = [post_sign_in(client, f"guess{n}@x.example", "arvaus") for n in range(11)]
        assert [a.status_code for a in answers] == [200] * 10 + [429]
    finally:
        limited.extensions["booking.engine"].dispose()
        limiter.enabled = False  # as every other test app has it
