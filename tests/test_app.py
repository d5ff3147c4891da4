"""The app starts, speaks three languages and never shows a stack trace."""

from __future__ import annotations


def test_front_page_lists_points_by_municipality(client, factory):
    factory.point("korpilahti", name="Korpilahti", municipality="jyvaskyla")
    page = client.get("/?lang=fi")
    assert page.status_code == 200
    assert "Korpilahti yhteispalvelupiste" in page.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "<h1>" in page.get_data(as_text=True)


def test_api_errors_are_json(client):
    answer = client.get("/api/v1/no-such-thing")
    assert answer.status_code == 404
    assert answer.is_json


def test_overlapping_appointments_are_refused_by_the_database(session, factory):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from tests.factories import NOW

    world = factory.region()
    start = NOW.replace(hour=10)
    factory.appointment(point=world["point"], service=world["service"], starts_at=start)
    with pytest.raises(IntegrityError):
        factory.appointment(
            point=world["point"],
            service=world["service"],
            starts_at=start.replace(minute=30),  # inside the first one's set-up buffer
        )
