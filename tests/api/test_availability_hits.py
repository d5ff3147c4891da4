"""Availability hits sent before Flask (``booking.api.availability_hits``): the same
bytes and headers Flask sent, only while the calendar signal vouches for them, and
never a time taken since (``test_cache_across_processes.py`` asks every question
twice, so its changes meet answers sent this way)."""

from __future__ import annotations

from datetime import date

import pytest

WEDNESDAY = date(2026, 3, 4)
PATH = f"/api/v1/points/testila/availability?service=kela-benefits&from={WEDNESDAY}&to={WEDNESDAY}"


@pytest.fixture
def world(factory, clock):
    factory.point("testila")
    factory.service(points=("testila",))
    factory.expert("kela-anna")
    factory.session.commit()


def flask_fails(app) -> None:
    """From now on the endpoint's view fails (500) if Flask reaches it."""

    def fails(**_arguments):
        raise RuntimeError("Flask was asked")

    app.view_functions["api.point_availability"] = fails


def sent(answer) -> tuple:
    return answer.status_code, sorted(answer.headers.items()), answer.data


def test_a_hit_is_sent_before_flask_as_flask_sent_it(app, client, world, shared_signal):
    computed, found_current = client.get(PATH), client.get(PATH)
    assert sent(computed) == sent(found_current)
    assert computed.headers["X-Frame-Options"] == "DENY"  # the hooks' headers too
    flask_fails(app)
    assert sent(client.get(PATH)) == sent(found_current)
    # A conditional request, any other method and a request with a body are Flask's.
    etag = found_current.headers["ETag"]
    assert client.get(PATH, headers={"If-None-Match": etag}).status_code == 500
    assert client.head(PATH).status_code == 500
    assert client.get(PATH, data=b"x" * 100).status_code == 500


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_without_a_shared_signal_every_question_is_flask_s(app, client, world):
    client.get(PATH), client.get(PATH)
    flask_fails(app)
    assert client.get(PATH).status_code == 500


def test_a_change_in_this_process_is_not_sent_around(app, client, world, factory, session):
    client.get(PATH), client.get(PATH)
    factory.closure("testila", WEDNESDAY)
    session.commit()
    assert client.get(PATH).get_json()["times"] == []
