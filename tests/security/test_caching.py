"""No personal data in caches: every staff answer and every private API answer is no-store.

The staff routes are taken from the app's URL map, so a new staff page is
checked without being listed here.
"""

from __future__ import annotations

import pytest
from flask import url_for

from booking.expert.feed import renew_feed_token
from booking.web.cache_rules import STAFF_BLUEPRINTS

CLIENTS = ("anonymous", "advisor_a", "expert_kela", "admin")


def staff_requests(app, world, feed_token: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every staff route; sign-out last."""
    arguments = {
        "point_id": world.point_a.id,
        "appointment_id": world.kela_at_a.id,
        "token": feed_token,
    }
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in STAFF_BLUEPRINTS:
                continue
            # An argument not named above (an id) gets 1: found or not, no-store holds.
            values = {name: arguments.get(name, 1) for name in rule.arguments}
            path = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, path))
    return sorted(found, key=lambda item: item[0] == "auth.sign_out")


def test_every_staff_answer_is_kept_out_of_caches(app, staff_world, signed_in, session):
    expert = staff_world.accounts["expert_kela"]
    feed_token = renew_feed_token(session.merge(expert))
    session.commit()
    requests = staff_requests(app, staff_world, feed_token)
    assert {endpoint.split(".")[0] for endpoint, _method, _path in requests} == STAFF_BLUEPRINTS
    cached = []
    for who in CLIENTS:
        client = app.test_client() if who == "anonymous" else signed_in(who)
        for endpoint, method, path in requests:
            answer = client.open(path, method=method)
            if answer.headers.get("Cache-Control") != "no-store":
                cached.append((who, endpoint, method, answer.status_code))
    assert cached == []


def test_sign_out_clears_the_browsers_cache(staff_world, signed_in):
    answer = signed_in("admin").post("/staff/sign-out")
    assert answer.status_code == 302
    assert answer.headers["Clear-Site-Data"] == '"cache"'
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.fixture
def booked(client, factory):
    """An appointment booked through the API on the real clock: (id, manage token)."""
    factory.region()
    times = client.get("/api/v1/points/testila/availability?service=kela-benefits").get_json()
    assert times["times"], "no free time in the coming days"
    answer = client.post(
        "/api/v1/appointments",
        json={
            "point": "testila",
            "service": "kela-benefits",
            "start": times["times"][0],
            "name": "Maija Meikäläinen",
            "phone": "040 123 4567",
            "language": "fi",
        },
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"  # it carries the manage token
    return answer.get_json()["id"], answer.get_json()["manage_token"]


def test_api_answers_with_a_token_or_personal_data_are_no_store(client, booked):
    appointment_id, token = booked
    bearer = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/appointments/{appointment_id}"
    answers = {
        "read": client.get(path, headers=bearer),
        "wrong token": client.get(path, headers={"Authorization": "Bearer wrong"}),
        "move, bad body": client.post(f"{path}/move", json={}, headers=bearer),
        "cancel": client.post(f"{path}/cancel", headers=bearer),
        "refused booking": client.post("/api/v1/appointments", json={}),
    }
    assert {name: a.headers.get("Cache-Control") for name, a in answers.items()} == {
        name: "no-store" for name in answers
    }
    assert answers["read"].status_code == 200
    assert answers["cancel"].status_code == 200


def test_every_manage_page_is_no_store(app, client, booked):
    _appointment_id, token = booked
    with app.test_request_context():
        paths = [
            url_for(
                rule.endpoint,
                token=token,
                **{"day": "2026-03-03"} if "day" in rule.arguments else {},
            )
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/manage/")
        ]
    assert len(paths) >= 5
    cached = [
        (path, answer.status_code)
        for path in paths
        if (answer := client.get(path)).headers.get("Cache-Control") != "no-store"
    ]
    assert cached == []


def test_public_catalogue_answers_may_be_cached(client, factory):
    factory.region()
    answer = client.get("/api/v1/points")
    assert answer.status_code == 200
    assert "no-store" not in answer.headers.get("Cache-Control", "")
