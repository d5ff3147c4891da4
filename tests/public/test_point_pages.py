"""The information pages: points by municipality with their agencies, a point's page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

#: Wednesday 10.6.2026 12:00 Helsinki (UTC+3): Midsummer Eve (Fri 19.6.) is 9 days away.
JUNE_NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(clock):
    """Time stopped at ``JUNE_NOW``."""
    return clock.set(JUNE_NOW)


@pytest.fixture
def world(factory):
    factory.point(
        "korpilahti",
        name="Korpilahti",
        municipality="jyvaskyla",
        phone="+358142660000",
        hours={
            0: [(time(9), time(11, 30)), (time(12), time(15))],
            2: [(time(9), time(15))],
            4: [(time(9), time(15))],
        },
    )
    factory.point("multia", name="Multia", municipality="multia")
    factory.service(
        "kela-benefits",
        agency="kela",
        name_fi="Kelan etuusneuvonta",
        name_sv="FPA:s förmånsrådgivning",
        name_en="Kela benefit counselling",
        points=("korpilahti",),
    )
    factory.service(
        "vero-advice",
        agency="vero",
        name_en="Tax advice",
        points=("korpilahti", "multia"),
    )
    factory.expert("kela-anna", agency="kela", services=("kela-benefits",))
    factory.expert("vero-ville", agency="vero", services=("vero-advice",))


def page_text(client, url: str, language: str = "en") -> str:
    answer = client.get(url, headers={"Accept-Language": language})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_front_page_groups_points_by_municipality_with_their_agencies(client, world):
    html = page_text(client, "/")
    assert html.index("Jyvaskyla") < html.index("Korpilahti service point")
    assert html.index("Korpilahti service point") < html.index("Multia")
    multia_starts = html.index('id="municipality-multia"')
    korpilahti = html[html.index("Korpilahti service point") : multia_starts]
    assert "Kela" in korpilahti and "Vero" in korpilahti
    multia = html[multia_starts:]
    assert "Vero" in multia and ">Kela<" not in multia
    assert 'href="/points/korpilahti"' in html


def test_agency_filter_keeps_only_points_offering_it(client, world):
    html = page_text(client, "/?agency=kela")
    assert "Korpilahti service point" in html
    assert "Multia service point" not in html
    assert "1 service point offers the services of Kela." in html
    assert '<option value="kela" selected>' in html


def test_unknown_agency_filter_shows_every_point(client, world):
    html = page_text(client, "/?agency=nonsense")
    assert "Korpilahti service point" in html and "Multia service point" in html


def test_front_page_filter_is_a_labelled_get_form(client, world):
    html = page_text(client, "/")
    assert '<form class="filter-form finder" method="get" action="/nearest"' in html
    assert '<label for="agency">Agency</label>' in html


@pytest.mark.parametrize(
    ("language", "heading", "switch"),
    [
        ("fi", "Asiointipisteet", "Etsi lähimmät asiointipisteet"),
        ("sv", "Servicepunkter", "Hitta de närmaste servicepunkterna"),
        ("en", "Service points", "Find the nearest service points"),
    ],
)
def test_front_page_speaks_the_chosen_language(client, world, language, heading, switch):
    html = page_text(client, f"/?lang={language}")
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert switch in html


def test_point_page_shows_address_phone_and_weekly_hours(client, world, frozen_now):
    html = page_text(client, "/points/korpilahti")
    assert "<h1>Korpilahti service point</h1>" in html
    assert "Kirkkotie 1" in html and "40100 KORPILAHTI" in html
    assert 'href="tel:+358142660000">014 266 0000</a>' in html
    assert '<th scope="row">Monday</th>\n      <td>9:00–11:30, 12:00–15:00</td>' in html
    assert '<th scope="row">Tuesday</th>\n      <td>Closed</td>' in html


def test_point_page_shows_midsummer_eve_closed(client, world, frozen_now):
    html = page_text(client, "/points/korpilahti")
    assert "Friday, June 19, 2026</strong>:\n    closed (Midsummer Eve)" in html
    fi = page_text(client, "/points/korpilahti", "fi")
    assert "perjantai 19. kesäkuuta 2026</strong>:\n    suljettu (Juhannusaatto)" in fi
    sv = page_text(client, "/points/korpilahti", "sv")
    assert "Midsommarafton" in sv


def test_point_page_shows_a_closure_of_the_point(client, factory, world, frozen_now):
    factory.closure("korpilahti", date(2026, 6, 17), reason="Staff training")
    factory.closure("korpilahti", date(2026, 6, 15), starts=time(12), ends=time(15))
    html = page_text(client, "/points/korpilahti")
    assert "Wednesday, June 17, 2026</strong>:\n    closed (Staff training)" in html
    assert "Monday, June 15, 2026</strong>:\n    closed 12:00–15:00" in html


def test_point_page_lists_next_free_times_linking_into_the_booking_flow(client, world, frozen_now):
    html = page_text(client, "/points/korpilahti")
    kela = html[html.index("Kela benefit counselling") : html.index("Tax advice")]
    # Now is Wednesday 10.6. 12:00 with one hour's notice; then the earliest time of
    # each open day (Friday 19.6. is Midsummer Eve, Tuesday and Thursday closed).
    shown = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', kela)
    assert shown == [
        "Wed, Jun 10 at 13:00",
        "Fri, Jun 12 at 9:00",
        "Mon, Jun 15 at 9:00",
        "Wed, Jun 17 at 9:00",
    ]
    assert (
        'href="/book/details?point=korpilahti&amp;service=kela-benefits'
        '&amp;start=2026-06-10T13:00%2B03:00"' in kela
    )
    assert 'href="/book/korpilahti/kela-benefits"' in kela


def test_point_page_in_finnish_and_swedish(client, world, frozen_now):
    fi = page_text(client, "/points/korpilahti?lang=fi")
    assert "Aukioloajat" in fi and "Maanantai" in fi and "Kelan etuusneuvonta" in fi
    sv = page_text(client, "/points/korpilahti?lang=sv")
    assert "Öppettider" in sv and "Måndag" in sv and "FPA:s förmånsrådgivning" in sv


def test_unknown_point_page_is_a_404(client, world):
    assert client.get("/points/atlantis").status_code == 404
