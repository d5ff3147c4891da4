"""The accessibility statement and the privacy notice: in every language, linked from
every page's footer, and saying what the code does (retention, link lifetime, no
personal identity code)."""

from __future__ import annotations

import pytest

from tests.public.booking_steps import START

STATEMENTS = {
    "fi": ("Saavutettavuusseloste", "Tietosuojaseloste", "Lupa- ja valvontavirasto"),
    "sv": (
        "Tillgänglighetsutlåtande",
        "Dataskyddsbeskrivning",
        "Tillstånds- och tillsynsverket",
    ),
    "en": (
        "Accessibility statement",
        "Privacy notice",
        "Finnish Supervisory Agency",
    ),
}


def text_of(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_accessibility_statement_names_the_standard_the_checks_and_the_authority(client, language):
    statement_title, _privacy_title, authority = STATEMENTS[language]
    text = text_of(client, f"/accessibility?lang={language}")
    assert f"<h1>{statement_title}</h1>" in text
    assert "WCAG" in text and "2.1" in text and "axe-core" in text
    assert authority in text
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in text
    assert 'href="mailto:kirjaamo@keskisuomi.invalid"' in text  # the feedback channel
    assert "306/2019" in text


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_privacy_notice_names_the_controller_and_the_kept_details(client, language):
    text = text_of(client, f"/privacy?lang={language}")
    assert f"<h1>{STATEMENTS[language][1]}</h1>" in text
    assert "Keski-Suomen liitto" in text
    assert 'href="mailto:kirjaamo@keskisuomi.invalid"' in text


def test_privacy_notice_follows_the_settings(app, client):
    app.config.update(BOOKING_RETENTION_DAYS=30, BOOKING_MANAGE_LINK_DAYS=7)
    text = text_of(client, "/privacy?lang=en")
    assert "erased 30 days after the appointment" in text
    assert "stops working 7 days after the appointment" in text
    assert "never ask for or keep your personal identity code" in text
    assert "anonymous statistics" in text
    fi = text_of(client, "/privacy?lang=fi")
    assert "poistetaan 30 päivän kuluttua tapaamisesta" in fi
    assert "henkilötunnustasi" in fi


@pytest.mark.parametrize("url", ["/", "/points/testila", "/book/testila", "/staff/sign-in"])
def test_every_page_links_both_statements_in_its_footer(client, region, url):
    text = text_of(client, url + "?lang=sv")
    footer = text[text.index('<footer class="site-footer">') :]
    assert '<a href="/accessibility">Tillgänglighetsutlåtande</a>' in footer
    assert '<a href="/privacy">Dataskyddsbeskrivning</a>' in footer


def test_the_details_form_links_the_privacy_notice(client, region):
    start = START.replace("+", "%2B")
    text = text_of(client, f"/book/details?point=testila&service=kela-benefits&start={start}")
    assert '<a href="/privacy">Lue tietosuojaseloste</a>' in text
