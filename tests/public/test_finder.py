"""The front page's finder: nearest points to a postal code or a municipality, without
JavaScript, with the earliest free time for the chosen agency."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest

from booking.data.models import Appointment, Service, ServicePoint

#: Monday 2.3.2026 10:00 Helsinki.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def places(factory, clock):
    clock.set(NOW)
    factory.municipality(
        "jyvaskyla",
        name_fi="Jyväskylä",
        name_sv="Jyväskylä",
        postal_codes="40100 40900",
        latitude=62.2415,
        longitude=25.7209,
    )
    factory.municipality(
        "keuruu",
        name_fi="Keuruu",
        name_sv="Keuru",
        postal_codes="42700",
        latitude=62.259,
        longitude=24.706,
    )
    factory.municipality(
        "muurame",
        name_fi="Muurame",
        name_sv="Muurame",
        postal_codes="40950",
        latitude=62.13,
        longitude=25.673,
    )
    factory.point(
        "saynatsalo",
        name="Säynätsalo",
        municipality="jyvaskyla",
        postal_code="40900",
        post_office="Säynätsalo",
        latitude=62.1397,
        longitude=25.7675,
    )
    factory.point(
        "keuruu",
        name="Keuruu",
        municipality="keuruu",
        postal_code="42700",
        latitude=62.259,
        longitude=24.706,
        hours={3: [(time(9), time(12))]},
    )
    factory.service(
        "kela-benefits", agency="kela", name_en="Kela benefits", points=("saynatsalo", "keuruu")
    )
    factory.service("vero-advice", agency="vero", name_en="Tax advice", points=("keuruu",))
    factory.expert("kela-anna", agency="kela", services=("kela-benefits",))
    factory.expert("vero-ville", agency="vero", services=("vero-advice",))
    factory.session.commit()
    return factory  # fmt: skip


def get(client, url, language="en"):
    return client.get(url + ("&" if "?" in url else "?") + f"lang={language}")


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<h3[^>]*><a href="/points/([a-z-]+)">', html)


def test_front_page_has_the_finder_first_as_a_get_form(client, places):
    html = get(client, "/").get_data(as_text=True)
    form = html.index('<form class="filter-form finder" method="get" action="/nearest"')
    assert form < html.index('id="points"')
    assert '<label for="where">Postal code or municipality</label>' in html
    assert '<label for="agency">Agency</label>' in html


def test_a_municipality_name_lists_the_nearest_points_with_the_agencys_earliest_time(
    client, places
):
    answer = get(client, "/nearest?where=Muurame&agency=kela")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert names_in_order(html) == ["saynatsalo", "keuruu"]
    assert "Nearest to Muurame: Kela" in html
    assert "about 5 km" in html
    # Säynätsalo: Mon 2.3. 11:00 is the first start an hour's notice allows.
    first = re.search(r'href="(/book/details\?[^"]+)"><time[^>]*>([^<]+)</time>', html)
    assert first.group(2) == "Mon, Mar 2 at 11:00"
    assert "point=saynatsalo" in first.group(1) and "service=kela-benefits" in first.group(1)
    assert html.count("Earliest free time:") == 2
    assert "Thu, Mar 5 at 9:00" in html  # Keuruu is open on Thursdays only


def test_a_postal_code_and_the_swedish_name_find_the_same_place(client, places):
    by_code = get(client, "/nearest?where=42700&agency=vero", "sv").get_data(as_text=True)
    assert names_in_order(by_code) == ["keuruu"]
    assert "Närmast: 42700, Vero" in by_code
    by_name = get(client, "/nearest?where=keuru", "sv").get_data(as_text=True)
    assert names_in_order(by_name) == ["keuruu", "saynatsalo"]
    assert "Första lediga tid" not in by_name  # no agency, no times


def test_a_postal_code_not_listed_is_placed_near_the_codes_it_shares_digits_with(client, places):
    answer = get(client, "/nearest?where=42750&agency=vero", "fi")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert names_in_order(html) == ["keuruu"]
    assert "Postinumeroa 42750 ei ole luettelossamme" in html and "kunnan Keuruu" in html


def test_a_taken_time_is_not_offered_as_the_earliest(client, places, session):
    before = get(client, "/nearest?where=40900&agency=kela").get_data(as_text=True)
    assert "Mon, Mar 2 at 11:00" in before
    places.appointment(
        point=session.get(ServicePoint, "saynatsalo"),
        service=session.get(Service, "kela-benefits"),
        starts_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )
    session.commit()
    after = get(client, "/nearest?where=40900&agency=kela").get_data(as_text=True)
    assert "Mon, Mar 2 at 11:00" not in after
    assert "Mon, Mar 2 at 11:45" in after  # 11:00 + 30 min + 15 min buffer
    assert session.query(Appointment).count() == 1


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("fi", "Helsinki", "”Helsinki” ei ole Keski-Suomen postinumero eikä kunta."),
        ("sv", "00100", "”00100” är inte ett postnummer eller en kommun i Mellersta Finland."),
        ("en", "Jyvä", "“Jyvä” is not a postal code or a municipality of Central Finland."),
        ("en", "", "Please type your postal code or the name of your municipality."),
    ],
)
def test_an_unknown_place_is_refused_clearly_with_the_municipalities_still_listed(
    client, places, language, typed, message
):
    agency = "&agency=kela" if typed else ""
    answer = get(client, f"/nearest?where={typed}{agency}", language)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in html
    assert 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert f'value="{typed}"' in html
    keuruu = {"fi": "Keuruu", "sv": "Keuru", "en": "Keuruu"}[language]
    assert f'href="/nearest?where={keuruu}{agency.replace("&", "&amp;")}"' in html


def test_no_place_but_an_agency_shows_the_front_pages_list_of_its_points(client, places):
    answer = get(client, "/nearest?where=&agency=vero")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/?agency=vero#points")


@pytest.mark.parametrize(
    "query",
    ["where=%00", "where=" + "9" * 5000, "agency=nonsense&where=40100", "where[]=x", "where=%F0"],
)
def test_odd_input_is_never_a_server_error(client, places, query):
    assert get(client, f"/nearest?{query}").status_code in (200, 400, 422)
