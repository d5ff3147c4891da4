"""The accessibility statement's feedback form, as a citizen uses it: without JavaScript,
on a phone, in Finnish, Swedish and English; a refusal first, then the thanks page that
names the address answers come from.  Axe stays clean on each page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_clean

pytestmark = pytest.mark.browser

CONTACT = "kirjaamo@keskisuomi.invalid"
WORDS = {
    "fi": {"message": "Mitä huomasit tai mitä tarvitset?", "send": "Lähetä palaute",
           "empty": "Kirjoita, mitä huomasit tai mitä tarvitset.",
           "email": "Sähköpostiosoitteesi, jos haluat vastauksen (vapaaehtoinen)",
           "thanks": "Kiitos palautteestasi"},
    "sv": {"message": "Vad märkte du, eller vad behöver du?", "send": "Skicka respons",
           "empty": "Skriv vad du märkte eller vad du behöver.",
           "email": "Din e-postadress, om du vill ha svar (frivilligt)",
           "thanks": "Tack för din respons"},
    "en": {"message": "What did you notice, or what do you need?", "send": "Send feedback",
           "empty": "Please write what you noticed or what you need.",
           "email": "Your e-mail address, if you want an answer (optional)",
           "thanks": "Thank you for your feedback"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_feedback_without_javascript_refused_then_sent(new_page, live_server, language):
    words = WORDS[language]
    page = new_page(viewport={"width": 360, "height": 740}, locale=language, javascript=False)
    page.goto(f"{live_server.url}/accessibility?lang={language}")
    page.get_by_role("button", name=words["send"]).click()
    assert words["empty"] in page.locator(".error-summary").inner_text()
    message = page.get_by_label(words["message"])
    assert message.get_attribute("aria-invalid") == "true"

    message.fill("Ajan valinnan painikkeet ovat liian pienet.")
    page.get_by_label(words["email"]).fill("aino@example.fi")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/accessibility/feedback/sent")
    assert page.get_by_role("heading", level=1).inner_text() == words["thanks"]
    assert page.get_by_role("link", name=CONTACT).get_attribute("href") == f"mailto:{CONTACT}"
    assert live_server.errors == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_feedback_pages_pass_the_accessibility_audit(new_page, live_server, language):
    words = WORDS[language]
    page = new_page(viewport={"width": 360, "height": 740}, locale=language)
    page.goto(f"{live_server.url}/accessibility?lang={language}")
    page.get_by_role("button", name=words["send"]).click()
    page.locator(".error-summary").wait_for()
    assert_clean(page, "refused")
    page.get_by_label(words["message"]).fill("Kontrasti on liian heikko.")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/accessibility/feedback/sent")
    assert_clean(page, "thanks")
