"""Sign-in failures slow down one (e-mail, address) pair, never lock the account's owner out.

Unknown and known e-mail addresses get the same answers, in about the same time.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest

from booking.app import create_app
from booking.staff.accounts import add_staff_user
from booking.staff.sign_in import FREE_FAILURES, LONGEST_WAIT, wait_after
from tests.conftest import test_settings as settings_for
from tests.factories import NOW

PASSWORD = "pitkä-ja-hyvä-salasana"
EMAIL = "paula@testila.example"
UNKNOWN = "nobody@testila.example"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
WAITING = "Odota hetki"  # fi: "Please wait a while and try again."
WRONG = "Sähköpostiosoite tai salasana on väärä."


@pytest.fixture
def advisor(factory, session, clock):
    """An advisor with a real password hash (the production method); the clock fixed."""
    factory.point()
    account = add_staff_user(
        session, role="advisor", email=EMAIL, password=PASSWORD, point_ids=["testila"]
    )
    session.commit()
    return account


def attempt(client, email: str, password: str, address: str):
    return client.post(
        "/staff/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_waits_double_after_a_few_failures_and_stop_growing():
    waits = [wait_after(failures).total_seconds() for failures in range(1, 30)]
    assert waits[:FREE_FAILURES] == [0] * FREE_FAILURES
    assert waits[FREE_FAILURES : FREE_FAILURES + 4] == [2, 4, 8, 16]
    assert max(waits) == LONGEST_WAIT.total_seconds() == waits[-1]


def test_an_attacker_failing_often_does_not_lock_out_the_owner(client, advisor, clock):
    for failure in range(12):
        clock.set(NOW + timedelta(minutes=failure * 20))  # each one past the previous wait
        assert attempt(client, EMAIL, f"guess {failure}", ATTACKER).status_code == 200
    owner = attempt(client, EMAIL, PASSWORD, OWNER)
    assert owner.status_code == 302
    assert owner.headers["Location"].endswith("/desk/")


def test_the_attacking_address_must_wait_even_with_the_right_password(client, advisor, clock):
    for _failure in range(FREE_FAILURES + 1):
        attempt(client, EMAIL, "arvaus", ATTACKER)
    refused = attempt(client, EMAIL, PASSWORD, ATTACKER)
    assert WAITING in refused.get_data(as_text=True)
    clock.set(NOW + wait_after(FREE_FAILURES + 1))
    assert attempt(client, EMAIL, PASSWORD, ATTACKER).status_code == 302


def test_an_attacker_moving_within_one_ipv6_network_waits_as_one_address(client, advisor, clock):
    for failure in range(FREE_FAILURES + 1):
        attempt(client, EMAIL, "arvaus", f"2001:db8:66:1::{failure + 1:x}")
    refused = attempt(client, EMAIL, PASSWORD, "2001:db8:66:1:aaaa:bbbb:cccc:dddd")
    assert WAITING in refused.get_data(as_text=True)
    assert attempt(client, EMAIL, PASSWORD, "2001:db8:77:1::7").status_code == 302


def answers(client, email: str, address: str, count: int) -> list[tuple[int, str]]:
    """Status and page of ``count`` wrong attempts, with the typed address blanked out."""
    return [
        (answer.status_code, answer.get_data(as_text=True).replace(email, "…"))
        for answer in (attempt(client, email, "arvaus", address) for _ in range(count))
    ]


def test_unknown_and_known_addresses_get_the_same_answers(app, advisor):
    known = answers(app.test_client(), EMAIL, "192.0.2.1", FREE_FAILURES + 3)
    unknown = answers(app.test_client(), UNKNOWN, "192.0.2.2", FREE_FAILURES + 3)
    assert known == unknown
    assert WRONG in known[0][1]
    assert WAITING in known[-1][1]


def median_seconds(client, email: str, address: str, count: int = 7) -> float:
    took = []
    for _ in range(count):
        started = time.perf_counter()
        attempt(client, email, "arvaus", address)
        took.append(time.perf_counter() - started)
    return statistics.median(took)


def test_unknown_known_and_waiting_refusals_take_about_as_long(app, advisor):
    client = app.test_client()
    known = median_seconds(client, EMAIL, "192.0.2.1")  # most of these wait: still hashed
    unknown = median_seconds(client, UNKNOWN, "192.0.2.2")
    assert 0.4 < known / unknown < 2.5, (known, unknown)


def test_every_server_sees_the_same_count(database_url, advisor):
    """Two servers (workers) on one database: failures through one count in the other."""
    first, second = (create_app(settings_for(database_url)) for _ in range(2))
    try:
        for _failure in range(FREE_FAILURES + 1):
            attempt(first.test_client(), EMAIL, "arvaus", ATTACKER)
        waiting = attempt(second.test_client(), EMAIL, PASSWORD, ATTACKER)
        owner = attempt(second.test_client(), EMAIL, PASSWORD, OWNER)
    finally:
        for app in (first, second):
            app.extensions["booking.engine"].dispose()
    assert WAITING in waiting.get_data(as_text=True)
    assert owner.status_code == 302
