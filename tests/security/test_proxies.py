"""X-Forwarded-For is believed only behind BOOKING_TRUSTED_PROXIES proxies.

With none (the default) a client cannot pick its own rate-limit bucket or pass
Flask-Login's session protection by writing the header; behind one proxy, the
address that proxy saw is the client's.  An IPv6 client is its /64 network: it
cannot get a fresh bucket by moving to another address of its own network, and a
staff member's browser that does so keeps its session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import request
from werkzeug.security import generate_password_hash

from booking.app import create_app
from booking.data.enums import Role
from booking.data.models import StaffUser
from booking.web.extensions import limiter
from booking.web.proxies import address_group
from tests.conftest import test_settings as settings_for

SIGN_IN_LIMIT = 10  # sign-in posts a minute per address
PROXY = "10.0.0.2"  # the reverse proxy, as the app's peer
PASSWORD = "oikea-hevonen-paristo"


@contextmanager
def app_behind(database_url: str, proxies: int, **settings) -> Iterator:
    app = create_app(settings_for(database_url, BOOKING_TRUSTED_PROXIES=proxies, **settings))
    try:
        yield app
    finally:
        app.extensions["booking.engine"].dispose()
        limiter.enabled = False  # as every other test app has it


def rate_limited_app(database_url: str, proxies: int):
    return app_behind(
        database_url,
        proxies,
        RATELIMIT_ENABLED=True,
        BOOKING_RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
    )


def sign_in_attempt(client, forwarded_for: str) -> int:
    return client.post(
        "/staff/sign-in",
        data={"email": "guess@x.example", "password": "arvaus"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    ).status_code


def test_without_trusted_proxies_a_forged_address_keeps_the_same_bucket(
    database_url, clean_database
):
    with rate_limited_app(database_url, 0) as app:
        client = app.test_client()
        answers = [sign_in_attempt(client, f"198.51.100.{n}") for n in range(SIGN_IN_LIMIT + 1)]
    assert answers == [200] * SIGN_IN_LIMIT + [429]


def test_behind_one_proxy_each_forwarded_address_has_its_own_bucket(database_url, clean_database):
    with rate_limited_app(database_url, 1) as app:
        client = app.test_client()
        first = [sign_in_attempt(client, "198.51.100.1") for _ in range(SIGN_IN_LIMIT + 1)]
        other = sign_in_attempt(client, "198.51.100.2")
        # A client's own header before the proxy's entry is not believed either.
        forged = sign_in_attempt(client, "203.0.113.9, 198.51.100.1")
    assert first == [200] * SIGN_IN_LIMIT + [429]
    assert other == 200
    assert forged == 429


def test_an_ipv6_client_moving_within_its_network_keeps_its_bucket(database_url, clean_database):
    with rate_limited_app(database_url, 1) as app:
        client = app.test_client()
        moving = [
            sign_in_attempt(client, f"2001:db8:66:1::{number + 1:x}")
            for number in range(SIGN_IN_LIMIT + 1)
        ]
        neighbour_network = sign_in_attempt(client, "2001:db8:66:2::1")
    assert moving == [200] * SIGN_IN_LIMIT + [429]
    assert neighbour_network == 200


def test_addresses_are_grouped_as_the_limits_count_them():
    assert address_group("198.51.100.7") == "198.51.100.7"
    assert address_group("2001:db8:66:1::5") == "2001:db8:66:1::/64"
    assert address_group("2001:db8:66:1:aaaa:bbbb:cccc:dddd") == "2001:db8:66:1::/64"
    assert address_group("::ffff:198.51.100.7") == "198.51.100.7"
    assert address_group("unknown") == "unknown"


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


def admin_page_from(client, forwarded_for: str) -> int:
    return client.get(
        "/admin/", headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": PROXY}
    ).status_code


def signed_in_from(client, forwarded_for: str) -> None:
    answer = client.post(
        "/staff/sign-in",
        data={"email": "admin@staff.test", "password": PASSWORD},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert answer.status_code == 302


@pytest.mark.parametrize(
    ("signed_in_at", "same_client", "elsewhere"),
    [
        ("198.51.100.1", "198.51.100.1", "198.51.100.2"),
        # IPv6: a temporary address of the same /64 network (RFC 8981) is the same client.
        ("2001:db8:77:1::10", "2001:db8:77:1:8d3e:21ff:fe4a:9c01", "2001:db8:77:2::10"),
    ],
    ids=["ipv4", "ipv6"],
)
def test_behind_one_proxy_a_session_used_from_another_address_ends(
    database_url, admin, signed_in_at, same_client, elsewhere
):
    with app_behind(database_url, 1) as app:
        client = app.test_client()
        signed_in_from(client, signed_in_at)
        assert admin_page_from(client, same_client) == 200
        assert admin_page_from(client, elsewhere) == 302  # to sign-in


def test_without_trusted_proxies_a_forged_header_changes_nothing(database_url, admin):
    with app_behind(database_url, 0) as app:
        client = app.test_client()
        signed_in_from(client, "198.51.100.1")
        # The address is the peer's in both requests: writing the header neither
        # passes for another address nor ends the session.
        assert admin_page_from(client, "198.51.100.2") == 200


def test_behind_one_proxy_the_forwarded_scheme_is_believed(database_url, clean_database):
    with app_behind(database_url, 1) as app:
        seen = {}

        @app.get("/scheme-probe")
        def scheme_probe():
            seen["scheme"] = request.scheme
            return ""

        app.test_client().get(
            "/scheme-probe",
            headers={"X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": PROXY},
        )
    assert seen["scheme"] == "https"
