"""The citizen's manage link is a secret the database does not keep.

Whoever holds the link may read, move and cancel the appointment, so it is shown
(the API's answer, the texted confirmation) and stored only as a hash; the texts
and e-mails kept in the outbox show ``[manage link]`` in its place, and the
messages still to come (reminders, a "moved" text) are given the link when they
are sent, made again from the secret key.  The test searches every column of
every table for the token after a booking through the API and the real dispatch
to the fake Twilio server, and again after a reminder has gone with the link.
"""

from __future__ import annotations

from sqlalchemy import String, Text, select

from booking.data.base import Base
from booking.data.sessions import read_only
from tests.security import phone_proof as shared
from tests.security.phone_proof import (
    VICTIM,
    code_texted_to,
    post_booking,
    post_code,
    texts_to,
)

api, dispatcher, smtp, twilio, world = (
    shared.api,
    shared.dispatcher,
    shared.smtp,
    shared.twilio,
    shared.world,
)


def columns_holding(session, secret: str) -> set[tuple[str, str]]:
    """Every (table, column) of the schema with a text value containing ``secret``."""
    session.rollback()
    found = set()
    with read_only():
        for table in Base.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not texts:
                continue
            for row in session.execute(select(*texts)):
                for column, value in zip(texts, row, strict=True):
                    if isinstance(value, str) and secret in value:
                        found.add((table.name, column.name))
        session.rollback()
    return found


def test_the_manage_token_is_stored_only_as_a_hash_and_never_in_a_kept_text(
    api, world, session, dispatcher, twilio, smtp, clock
):
    held = post_booking(api, email="maija@example.fi").get_json()
    token = held["manage_token"]
    assert columns_holding(session, token) == set()  # a hold's code text carries no link
    dispatcher.dispatch_batch()
    confirmed = post_code(api, held["id"], token, code_texted_to(twilio, VICTIM))
    assert confirmed.status_code == 200
    assert confirmed.headers["Cache-Control"] == "no-store"
    dispatcher.dispatch_batch()

    assert f"/manage/{token}" in texts_to(twilio, VICTIM)[-1]  # the citizen has the link
    mails = [m.get_body(("plain",)).get_content() for m in smtp.messages]
    assert any(f"/manage/{token}" in mail for mail in mails)
    assert columns_holding(session, token) == set()

    texted = len(texts_to(twilio, VICTIM))
    clock.move(hours=3)  # past noon the day before: the reminder is due
    dispatcher.dispatch_batch()
    reminder = texts_to(twilio, VICTIM)[texted:]
    assert len(reminder) == 1 and "/manage/" + token in reminder[0]  # made again, sent
    assert columns_holding(session, token) == set()
