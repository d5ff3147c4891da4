"""Property-based fuzzing of the API: whatever the body, headers or query, never a 5xx.

Bodies mix plausible values (a real point, a free-looking time, a mobile
number) with arbitrary JSON, so that the fuzzing reaches deep into the
booking path as well as the parsers.  About a hundred examples per backend.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from booking.engine.clock import HELSINKI, utc_now

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=80),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def plausible_starts():
    """Starts on the quarter hour over the next weeks, mostly inside opening hours."""
    today = utc_now().astimezone(HELSINKI).replace(hour=0, minute=0, second=0, microsecond=0)
    return st.builds(
        lambda days, quarter: (today + timedelta(days=days, minutes=15 * quarter)).isoformat(),
        st.integers(min_value=-1, max_value=65),
        st.integers(min_value=34, max_value=58) | st.integers(min_value=0, max_value=95),
    )


#: Any aware instant, from year 1 to 9999 (date arithmetic must not overflow).
any_instants = st.datetimes(timezones=st.sampled_from([UTC, HELSINKI])).map(
    lambda moment: moment.isoformat()
)


def mostly(valid: str, *others: object):
    """``valid`` nine times in ten, else one of ``others``."""
    return st.sampled_from([valid] * 9 + list(others))


plausible = {
    "point": mostly("testila", "nowhere"),
    "service": mostly("kela-benefits", "vero-personal", "nothing"),
    "start": plausible_starts() | any_instants,
    "name": mostly("Maija Meikäläinen", "<script>alert(1)</script>", "M" * 121),
    # Many numbers, so that the limit per number does not answer for the rest.
    "phone": st.integers(min_value=1_000_000, max_value=9_999_999).map("040 {}".format)
    | st.sampled_from(["014 123 456", "049 1234567", "+46 70 123 4567"]),
    "language": mostly("fi", "sv", "en", "de"),
}
optional = {
    "email": mostly("maija@example.fi", None, "nope", "<x>@y.fi"),
    "topic": mostly("housing", "other", "", "<b>"),
    "needs": st.sampled_from(["", "pyörätuoli"]) | st.text(max_size=600),
}
garbage = st.one_of(
    st.just({}),
    st.dictionaries(st.sampled_from([*plausible, *optional]), json_values, max_size=2),
)
#: Bodies that mostly make sense, with up to two fields replaced by arbitrary JSON,
#: so that many reach the booking itself; and bodies of arbitrary fields.
booking_bodies = st.one_of(
    st.builds(
        lambda body, replaced: {**body, **replaced},
        st.fixed_dictionaries(plausible, optional=optional),
        garbage,
    ),
    st.fixed_dictionaries(
        {}, optional={field: json_values for field in [*plausible, *optional, "extra"]}
    ),
)


@pytest.fixture
def world(factory):
    world = factory.region()
    factory.service("vero-personal", agency="vero", points=())
    return world


def assert_answered(answer) -> None:
    event(f"status {answer.status_code}")
    assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
    assert answer.is_json


@settings(FUZZ, max_examples=60)
@given(body=booking_bodies, language=st.sampled_from(["fi", "sv", "en", "xx", ""]))
def test_booking_bodies_never_yield_a_5xx(client, world, body, language):
    answer = client.post("/api/v1/appointments", json=body, headers={"Accept-Language": language})
    assert_answered(answer)
    if answer.status_code == 422:
        assert answer.get_json()["errors"]


@settings(FUZZ, max_examples=15)
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(["application/json", "text/plain", ""]),
)
def test_raw_bodies_never_yield_a_5xx(client, world, raw, content_type):
    answer = client.post("/api/v1/appointments", data=raw, headers={"Content-Type": content_type})
    assert_answered(answer)


query_text = st.text(max_size=30) | st.dates().map(str)


@settings(FUZZ, max_examples=15)
@given(
    point=st.sampled_from(["testila", "nowhere"]) | st.text(min_size=1, max_size=20),
    service=query_text,
    first=query_text,
    last=query_text,
)
def test_availability_queries_never_yield_a_5xx(client, world, point, service, first, last):
    answer = client.get(
        f"/api/v1/points/{point.replace('/', '')}/availability",
        query_string={"service": service, "from": first, "to": last},
    )
    assert answer.status_code < 500


@pytest.fixture
def booked(client, world):
    """An appointment booked through the API: (id, manage token)."""
    for days in range(1, 15):
        start = (utc_now().astimezone(HELSINKI) + timedelta(days=days)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        answer = client.post(
            "/api/v1/appointments",
            json={
                "point": "testila",
                "service": "kela-benefits",
                "start": start.isoformat(),
                "name": "Maija Meikäläinen",
                "phone": "040 123 4567",
                "language": "fi",
            },
        )
        if answer.status_code == 201:
            return answer.get_json()["id"], answer.get_json()["manage_token"]
    pytest.fail("no free weekday for the fuzzed appointment")


@settings(FUZZ, max_examples=15)
@given(
    use_real_id=st.booleans(),
    other_id=st.integers(min_value=0, max_value=2**40),
    use_real_token=st.booleans(),
    authorization=st.text(max_size=80) | st.text(max_size=60).map("Bearer {}".format),
    action=st.sampled_from(["", "/cancel", "/move"]),
    body=json_values | st.fixed_dictionaries({"start": plausible_starts() | any_instants}),
)
def test_manage_requests_never_yield_a_5xx(
    client, booked, use_real_id, other_id, use_real_token, authorization, action, body
):
    appointment_id, token = booked
    url = f"/api/v1/appointments/{appointment_id if use_real_id else other_id}{action}"
    if use_real_token:
        authorization = f"Bearer {token}"
    # Headers travel as latin-1 on the wire.
    authorization = authorization.encode("utf-8").decode("latin-1")
    headers = {"Authorization": authorization}
    if action:
        answer = client.post(url, json=body, headers=headers)
    else:
        answer = client.get(url, headers=headers)
    assert answer.status_code < 500
