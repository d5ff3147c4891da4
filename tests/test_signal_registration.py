"""``booking calendar-signal``: a PostgreSQL database's registered calendar signal.

A change marks the registered file as it commits, so registering waits only
for changes committing, and one begun before it marks the file; a process that cannot reach the
registered file (as on another machine) changes nothing and says why;
unregistering clears the file's token first, so no reader trusts counts that
writers no longer raise.  (That cached answers stay current with a registered
signal is proven by every test of ``test_cache_across_processes.py``.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select, update

from booking.cli import cli
from booking.data.calendar_models import CalendarSignal
from booking.data.calendar_revision import bump_scopes
from booking.data.calendar_signal import (
    QUIET_TOKEN,
    FileSignal,
    SignalUnreachable,
    file_token,
    scope_slot,
    signal_of_engine,
)
from booking.data.models import Appointment
from booking.data.sessions import make_session_factory
from booking.data.signal_registration import (
    RegistrationRefused,
    register_signal,
    registration,
)
from tests.factories import NOW
from tests.test_cache_across_processes import (
    CHANGE,
    PROJECT,
    at,
    booking_args,
    both_offer,
    in_another_process,
)

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def world(factory):
    factory.point("testila")
    factory.service(points=("testila",))
    factory.expert("kela-anna")
    factory.session.commit()


def command(app, *arguments: str):
    return app.test_cli_runner().invoke(cli, ["calendar-signal", *arguments])


def appointments(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(Appointment.id)))


@postgresql_only
def test_a_change_begun_before_registering_marks_the_file_as_it_commits(
    engine, session, world, tmp_path
):
    path = str(tmp_path / "calendar-signal")
    writer = make_session_factory(engine)()
    try:
        bump_scopes(writer, ["p:testila"])  # raised before the registration, not committed
        assert register_signal(session, path) == f"The calendar signal is registered at {path}."
        writer.commit()
    finally:
        writer.close()
    token = registration(session).token
    assert file_token(path) == token
    slot = scope_slot("p:testila")
    assert FileSignal(path, token).quiet((slot,))[QUIET_TOKEN:] == (token, 1)


@postgresql_only
def test_registering_waits_for_a_change_committing(engine, session, world, tmp_path):
    path = str(tmp_path / "calendar-signal")
    writer = make_session_factory(engine)()
    try:
        bump_scopes(writer, ["p:testila"])
        signal_of_engine(engine).writing(writer).committing()  # read "none", lock shared
        with pytest.raises(RegistrationRefused, match="kept the registration waiting"):
            register_signal(session, path, wait_seconds=0.2)
        assert not registration(session).registered
        writer.commit()
    finally:
        writer.close()
    assert register_signal(session, path) == f"The calendar signal is registered at {path}."
    assert registration(session).reachable


@postgresql_only
def test_a_process_without_the_registered_file_changes_nothing_and_says_why(
    app, engine, session, world, client, clock, tmp_path
):
    path = tmp_path / "calendar-signal"
    assert command(app, "register", str(path)).exit_code == 0
    os.rename(path, tmp_path / "elsewhere")  # as on a machine without the file
    assert "does NOT have it" in command(app, "status").output
    both_offer(session, client, "10:00")  # read without the file, which is not made here
    assert not path.exists()
    arguments = json.dumps({"now": NOW.isoformat(), **booking_args("testila", "kela-benefits", 10)})
    url = engine.url.render_as_string(hide_password=False)
    refused = subprocess.run(
        [sys.executable, "-c", CHANGE, url, "book", arguments],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert f"the calendar signal registered in the database is {path}" in refused.stderr
    answer = client.post(
        "/api/v1/appointments",
        json={
            "point": "testila",
            "service": "kela-benefits",
            "start": at(11).isoformat(),
            "name": "Maija Meikäläinen",
            "phone": "040 123 4567",
            "language": "fi",
        },
    )
    assert answer.status_code == 503, answer.get_json()
    assert answer.get_json()["error"] == "unavailable"
    assert appointments(session) == 0
    os.rename(tmp_path / "elsewhere", path)  # back on this machine: changes go through
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    assert appointments(session) == 1


@postgresql_only
def test_unregistered_no_reader_trusts_the_file_though_it_remains(
    app, engine, session, world, client, clock, tmp_path
):
    path = tmp_path / "calendar-signal"
    assert (
        command(app, "register", str(path)).output
        == f"The calendar signal is registered at {path}.\n"
    )
    both_offer(session, client, "10:00")  # the answer now skips the stamp while quiet
    assert command(app, "unregister").exit_code == 0
    assert file_token(str(path)) == 0
    assert command(app, "status").output == "No calendar signal is registered.\n"
    # Writers no longer raise the file's counts; the reader no longer trusts it.
    in_another_process(engine, "book", **booking_args("testila", "kela-benefits", 10))
    both_offer(session, client, "10:00", expected=False)


@postgresql_only
def test_unregistering_away_from_the_file_is_refused_unless_the_machine_is_lost(
    app, session, world, tmp_path
):
    path = tmp_path / "calendar-signal"
    assert command(app, "register", str(path)).exit_code == 0
    again = command(app, "register", str(tmp_path / "another"))
    assert again.exit_code != 0
    assert f"registered at {path} already" in again.output
    os.rename(path, tmp_path / "elsewhere")
    refused = command(app, "unregister")
    assert refused.exit_code != 0
    assert "with --lost" in refused.output
    assert registration(session).registered
    session.rollback()
    assert command(app, "unregister", "--lost").exit_code == 0
    assert not registration(session).registered


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_registers_nothing_its_signal_is_beside_it(app, tmp_path):
    refused = command(app, "register", str(tmp_path / "calendar-signal"))
    assert refused.exit_code != 0
    assert "SQLite shares the file beside it" in refused.output
    assert not (tmp_path / "calendar-signal").exists()


@postgresql_only
def test_a_registration_changed_by_hand_cannot_make_the_app_write_into_another_file(
    engine, session, world, tmp_path
):
    """Whoever can write the database could name any file and the 8 bytes it holds at
    the token's place; a writer marks only a file that registering made."""
    victim = tmp_path / "settings.py"
    content = b"A = 1\n" * 2000  # over 8 KiB: something sits where a token would
    victim.write_bytes(content)
    token = int.from_bytes(content[8192:8200], "little")
    session.execute(update(CalendarSignal).values(path=str(victim), token=token))
    session.commit()
    writer = make_session_factory(engine)()
    try:
        bump_scopes(writer, ["p:testila"])
        with pytest.raises(SignalUnreachable, match="not the registered file"):
            writer.commit()
    finally:
        writer.close()
    assert victim.read_bytes() == content
