"""The read API: points, services, free times, errors that name the field."""

from __future__ import annotations

import pytest

from booking.app import create_app
from booking.data.availability_cache import cache_of_engine
from booking.data.models import Offering
from tests.api.documented import conforms
from tests.conftest import test_settings as settings_for
from tests.factories import NOW

AVAILABILITY = "/api/v1/points/testila/availability"


@pytest.fixture
def world(factory):
    return factory.region()


def test_points_list_names_municipality_address_and_services(client, factory):
    factory.point("korpilahti", name="Korpilahti", municipality="jyvaskyla", phone="+35814266000")
    factory.service("kela-benefits", points=("korpilahti",))
    factory.service("vero-advice", agency="vero", points=())
    points = client.get("/api/v1/points").get_json()["points"]
    assert points == [
        {
            "id": "korpilahti",
            "names": {
                "fi": "Korpilahti yhteispalvelupiste",
                "sv": "Korpilahti samservicepunkt",
                "en": "Korpilahti service point",
            },
            "municipality": {
                "id": "jyvaskyla",
                "names": {"fi": "Jyvaskyla", "sv": "Jyvaskyla", "en": "Jyvaskyla"},
            },
            "address": {
                "street": "Kirkkotie 1",
                "postal_code": "40100",
                "post_office": "KORPILAHTI",
            },
            "phone": "+35814266000",
            "timezone": "Europe/Helsinki",
            "services": ["kela-benefits"],
        }
    ]


def test_services_list_agency_duration_and_photo_id(client, factory):
    factory.point()
    factory.service("dvv-estates", agency="dvv", duration_minutes=45, photo_id_required=False)
    services = client.get("/api/v1/services").get_json()["services"]
    assert services == [
        {
            "id": "dvv-estates",
            "agency": {"id": "dvv", "names": {"fi": "Dvv", "sv": "Dvv", "en": "Dvv"}},
            "names": {"fi": "dvv-estates", "sv": "dvv-estates", "en": "dvv-estates"},
            "duration_minutes": 45,
            "photo_id_required": False,
        }
    ]


def test_free_times_carry_the_helsinki_offset_on_both_sides_of_dst(client, world, clock):
    # Clocks go forward on Sunday 29.3.2026: Friday is UTC+2, Monday UTC+3.
    answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-03-27&to=2026-03-30")
    assert answer.status_code == 200
    times = answer.get_json()["times"]
    assert times[0] == "2026-03-27T09:00:00+02:00"
    assert "2026-03-27T14:30:00+02:00" in times
    assert "2026-03-30T09:00:00+03:00" in times
    assert times[-1] == "2026-03-30T14:30:00+03:00"
    assert not any(t.startswith(("2026-03-28", "2026-03-29")) for t in times)


def test_free_times_carry_the_helsinki_offset_when_summer_time_ends(client, world, clock):
    # Clocks go back on Sunday 25.10.2026: Friday is UTC+3, Monday UTC+2.
    clock.set(NOW.replace(month=10, day=1))
    answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-10-23&to=2026-10-26")
    times = answer.get_json()["times"]
    assert times[0] == "2026-10-23T09:00:00+03:00"
    assert times[-1] == "2026-10-26T14:30:00+02:00"


def test_booked_time_is_not_free(client, factory, world, clock):
    factory.appointment(
        point=world["point"],
        service=world["service"],
        starts_at=NOW.replace(day=4, hour=7),  # Wed 4.3. 9:00 Helsinki
    )
    answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-03-04&to=2026-03-04")
    times = answer.get_json()["times"]
    assert "2026-03-04T09:00:00+02:00" not in times
    assert "2026-03-04T09:30:00+02:00" not in times  # set-up buffer
    assert "2026-03-04T09:45:00+02:00" in times


def test_range_defaults_to_today_and_thirty_days_on(client, world, clock):
    body = client.get(f"{AVAILABILITY}?service=kela-benefits").get_json()
    assert (body["from"], body["to"]) == ("2026-03-02", "2026-04-01")
    assert body["times"][0] == "2026-03-02T11:00:00+02:00"  # one hour's notice from 10:00


def test_past_days_answer_no_times(client, world, clock):
    answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-02-02&to=2026-02-27")
    assert answer.get_json()["times"] == []


def test_unknown_point_is_404_json(client, world):
    answer = client.get("/api/v1/points/atlantis/availability?service=kela-benefits")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"


@pytest.mark.parametrize("point", ["%00", "TESTILA", "testila%0A", "x" * 200, "..%2F..%2Fetc"])
def test_odd_point_ids_are_404_not_500(client, world, point):
    answer = client.get(f"/api/v1/points/{point}/availability?service=kela-benefits")
    assert answer.status_code == 404
    assert answer.is_json


def test_a_point_hidden_or_a_service_withdrawn_after_an_answer_was_kept_is_404(
    client, factory, world, session, clock
):
    path = f"{AVAILABILITY}?service=kela-benefits"
    assert client.get(path).status_code == 200  # kept
    world["point"].online = False
    session.commit()
    assert client.get(path).status_code == 404
    world["point"].online = True
    session.commit()
    assert client.get(path).status_code == 200
    session.delete(session.get(Offering, ("testila", "kela-benefits")))
    session.commit()
    assert client.get(path).status_code == 422


def test_inactive_point_and_service_are_404(client, factory, world, session):
    world["point"].active = False
    session.commit()
    assert client.get(f"{AVAILABILITY}?service=kela-benefits").status_code == 404
    world["point"].active, world["service"].active = True, False
    session.commit()
    assert client.get(f"{AVAILABILITY}?service=kela-benefits").status_code == 404


def test_days_without_free_times_answer_an_empty_list(client, world, clock):
    # Saturday and Sunday: closed, but the point and the service are fine.
    answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-03-07&to=2026-03-08")
    assert answer.status_code == 200
    assert answer.get_json()["times"] == []


def test_unknown_service_is_404_json(client, world):
    answer = client.get(f"{AVAILABILITY}?service=tarot-reading")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "service"),
        ("service=kela-benefits&from=30.3.2026", "from"),
        ("service=kela-benefits&from=2026-02-30", "from"),
        ("service=kela-benefits&from=2026-W13-1", "from"),
        ("service=kela-benefits&to=tomorrow", "to"),
        ("service=kela-benefits&from=2026-03-10&to=2026-03-09", "to"),
        ("service=kela-benefits&from=2026-03-01&to=2026-05-02", "to"),  # 63 days
        ("service=vero-advice", "service"),  # exists, but not at this point
    ],
)
def test_bad_query_is_422_naming_the_field(client, factory, world, query, field):
    factory.service("vero-advice", agency="vero", points=())
    answer = client.get(f"{AVAILABILITY}?{query}")
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == [field]


def test_sixty_two_days_are_allowed(client, world, clock):
    answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-03-01&to=2026-05-01")
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "VVVV-KK-PP"), ("sv", "ÅÅÅÅ-MM-DD"), ("en", "YYYY-MM-DD")],
)
def test_422_message_is_in_the_accept_language(client, world, language, expected):
    answer = client.get(
        f"{AVAILABILITY}?service=kela-benefits&from=nonsense",
        headers={"Accept-Language": language},
    )
    assert expected in answer.get_json()["errors"]["from"]


@pytest.mark.parametrize(
    "query",
    [
        "service=kela-benefits&from=9999-12-31",
        "service=kela-benefits&from=0001-01-01&to=0001-01-02",
        "service=kela-benefits&from=%00",
        "service=%F0%9F%92%A9&from=2026-03-01",
        "service=kela-benefits&from=2026-03-01&from=x",
    ],
)
def test_odd_input_never_gives_a_500(client, world, clock, query):
    assert client.get(f"{AVAILABILITY}?{query}").status_code in {200, 404, 422}


def test_answers_match_their_documented_schemas(client, world, clock):
    points = client.get("/api/v1/points").get_json()
    assert points["points"]
    conforms(points, "PointList")
    services = client.get("/api/v1/services").get_json()
    assert services["services"]
    conforms(services, "ServiceList")
    conforms(client.get("/api/v1/health").get_json(), "Health")
    conforms(client.get(f"{AVAILABILITY}?service=kela-benefits").get_json(), "Availability")
    conforms(client.get(f"{AVAILABILITY}?service=kela-benefits&from=x").get_json(), "FieldErrors")
    conforms(client.get("/api/v1/points/atlantis/availability").get_json(), "Error")


def test_a_worker_keeps_as_many_answers_as_the_setting_says(database_url, world, clock):
    app = create_app(settings_for(database_url, BOOKING_AVAILABILITY_CACHE_ENTRIES=3))
    cache = cache_of_engine(app.extensions["booking.engine"])
    client = app.test_client()
    try:
        for day in range(3, 13):
            answer = client.get(f"{AVAILABILITY}?service=kela-benefits&from=2026-03-{day:02d}")
            assert answer.status_code == 200
        assert cache.size == 3 and len(cache) == 3
    finally:
        app.extensions["booking.engine"].dispose()
