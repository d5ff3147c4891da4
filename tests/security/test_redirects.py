"""After sign-in, ``?next=`` leads only to a page of this site, and never to a 500."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from booking.data.enums import Role
from booking.data.models import StaffUser

PASSWORD = "oikea-hevonen-paristo"
HOME = "/admin/"

#: Raw query-string values of ``next``, as an attacker would put them in a link.
HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "/%09/evil.example",  # browsers drop the tab: //evil.example
    "/%0a/x",  # a line break in Location
    "/%0d%0aSet-Cookie:%20x=y",
    "/%5Cevil.example",  # backslash, read as a slash
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "%20//evil.example",
    "/%E2%80%AE/lmth.live",  # right-to-left override
    "/%E2%80%8B/evil.example",  # zero-width space
    "/%C2%A0/evil.example",  # no-break space
    "/%7F/x",
    "/" + "a" * 5000,
    "",
]
SAFE = ["/desk/search", "/admin/audit?day=2026-03-02", "/expert/?scope=agency"]


@pytest.fixture
def admin(session):
    account = StaffUser(
        email="admin@staff.test",
        display_name="admin",
        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        role=Role.ADMIN,
    )
    session.add(account)
    session.commit()
    return account


def sign_in_with_next(client, raw_next: str):
    return client.post(
        "/staff/sign-in",
        query_string=f"next={raw_next}",
        data={"email": "admin@staff.test", "password": PASSWORD},
    )


def test_hostile_next_values_lead_home(app, admin):
    wrong = []
    for raw_next in HOSTILE:
        answer = sign_in_with_next(app.test_client(), raw_next)
        location = answer.headers.get("Location", "")
        if answer.status_code != 302 or location != HOME:
            wrong.append((raw_next[:40], answer.status_code, location[:60]))
    assert wrong == []


def test_paths_of_the_site_are_followed(app, admin):
    for target in SAFE:
        answer = sign_in_with_next(app.test_client(), target.replace("?", "%3F"))
        assert answer.headers["Location"] == target


def test_a_nul_character_in_next_is_a_bad_request(app, admin):
    # U+0000 is refused in any query before a view runs (booking.web.errors).
    answer = sign_in_with_next(app.test_client(), "/%00/x")
    assert answer.status_code == 400
    assert "Location" not in answer.headers
