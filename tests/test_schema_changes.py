"""Changing the schema: ``booking db`` writes revisions, ``booking setup`` applies them.

The revision commands write into a copy of the migrations directory, never
into the project's own.  On SQLite a revision that rebuilds a table other rows
refer to (batch mode) runs as ``booking setup`` runs it, with those rows there.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Column, Integer, Table, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from booking.app import create_app
from booking.cli import cli
from booking.data import schema
from booking.data.base import Base
from booking.data.column_types import UTCDateTime
from booking.data.models import Appointment, ExpertService, Offering, Service
from booking.data.sessions import make_engine, make_session_factory
from booking.region.loader import load_region
from booking.region.reader import read_region_file
from tests.conftest import test_settings as settings_for
from tests.factories import NOW

REGION_FILE = Path(__file__).resolve().parent.parent / "config" / "regions" / "keski-suomi.toml"
HEAD = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()


@pytest.fixture
def migrations_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the migrations directory that the commands use instead."""
    copy = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS", copy)
    return copy


@pytest.fixture
def probe_table():
    """A table the models have and the database lacks, while the test runs."""
    table = Table(
        "revision_probe",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("seen_at", UTCDateTime()),
    )
    yield table
    Base.metadata.remove(table)


def write_revision(app, migrations: Path, message: str) -> Path:
    before = set((migrations / "versions").glob("*.py"))
    result = app.test_cli_runner().invoke(cli, ["db", "revision", "--autogenerate", "-m", message])
    assert result.exit_code == 0, result.output
    (written,) = set((migrations / "versions").glob("*.py")) - before
    return written


def function_body(source: str, name: str) -> list[ast.stmt]:
    (function,) = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == name
    ]
    return function.body


# --- booking db, on both backends ---------------------------------------------


def test_autogenerate_on_an_up_to_date_database_writes_an_empty_revision(app, migrations_copy):
    written = write_revision(app, migrations_copy, "nothing changed")
    source = written.read_text()
    assert written.name == f"{int(HEAD) + 1:04d}_nothing_changed.py"
    assert f'down_revision = "{HEAD}"' in source
    for name in ("upgrade", "downgrade"):
        assert all(isinstance(statement, ast.Pass) for statement in function_body(source, name))


def test_autogenerate_writes_what_the_models_add_as_plain_columns(
    app, migrations_copy, probe_table
):
    written = write_revision(app, migrations_copy, "add the probe")
    source = written.read_text()
    assert 'op.create_table(\n        "revision_probe"' in source
    assert "sa.DateTime(timezone=True)" in source
    assert "column_types" not in source
    for ruff in (["check"], ["format", "--check"]):
        checked = subprocess.run(
            [sys.executable, "-m", "ruff", *ruff, str(written)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_db_check_passes_on_an_up_to_date_database(app):
    result = app.test_cli_runner().invoke(cli, ["db", "check"])
    assert result.exit_code == 0, result.output
    assert "No new upgrade operations detected." in result.output


def test_db_check_fails_when_the_models_have_more(app, probe_table):
    result = app.test_cli_runner().invoke(cli, ["db", "check"])
    assert result.exit_code != 0
    assert "revision_probe" in result.output


def test_db_current_names_the_newest_revision(app):
    result = app.test_cli_runner().invoke(cli, ["db", "current"])
    assert result.exit_code == 0, result.output
    assert f"{HEAD} (head)" in result.output


# --- SQLite: table rebuilds with rows that refer to the table -------------------


def sqlite_database_at(tmp_path: Path, revision: str) -> str:
    url = f"sqlite:///{tmp_path / 'booking.sqlite3'}"
    engine = make_engine(url)
    config = schema.alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
    return url


def add_region_and_an_appointment(url: str) -> None:
    engine = make_engine(url)
    session = make_session_factory(engine)()
    load_region(session, read_region_file(REGION_FILE))
    offering = session.scalars(select(Offering).where(Offering.service_id == "kela-benefits"))
    offering = offering.first()
    # Written through the table, naming only the columns it has at this revision.
    starts_at = NOW + timedelta(days=1)
    ends_at = starts_at + timedelta(minutes=offering.service.duration_minutes)
    expert = next(e for e in offering.service.agency.experts if offering.service in e.services)
    values = {
        "reference": "K7M4QX",
        "ical_uid": "schema-changes@etavaraus.test",
        "revision": 0,
        "status": "booked",
        "channel": "online",
        "point_id": offering.point_id,
        "service_id": offering.service_id,
        "room_id": offering.point.rooms[0].id,
        "expert_id": expert.id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "blocked_until": ends_at + timedelta(minutes=offering.service.buffer_minutes),
        "name": "Maija Meikäläinen",
        "phone": "+358400000001",
        "language": "fi",
        "topic": "",
        "needs": "",
        "cancel_reason": "",
        "created_at": NOW,
        "updated_at": NOW,
    }
    present = {
        column["name"] for column in inspect(session.connection()).get_columns("appointment")
    }
    session.execute(insert(Appointment).values({k: v for k, v in values.items() if k in present}))
    session.commit()
    session.close()
    engine.dispose()


def counts(connection) -> dict[str, int]:
    return {
        model.__tablename__: connection.scalar(select(func.count()).select_from(model))
        for model in (Service, Offering, ExpertService, Appointment)
    }


REBUILDING_REVISION = '''"""Rebuilds the service table, as SQLite's batch mode often does.

Revision ID: 9000
Revises: {head}
"""

from alembic import op

revision = "9000"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("service", recreate="always"):
        pass
'''


def test_setup_rebuilds_a_table_that_other_rows_refer_to(tmp_path, migrations_copy):
    url = sqlite_database_at(tmp_path, "head")
    add_region_and_an_appointment(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        before = counts(connection)
    # The revision rebuilds the service table, which offerings, experts and appointments name.
    (migrations_copy / "versions" / "9000_rebuild.py").write_text(
        REBUILDING_REVISION.format(head=HEAD)
    )
    app = create_app(settings_for(url))
    result = app.test_cli_runner().invoke(cli, ["setup"])
    app.extensions["booking.engine"].dispose()
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "9000"
        assert counts(connection) == before
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    with engine.begin() as connection, pytest.raises(IntegrityError, match="FOREIGN KEY"):
        connection.execute(text("INSERT INTO offering VALUES ('keuruu', 'no-such-service')"))
    engine.dispose()


BREAKING_REVISION = '''"""Leaves offerings that name no service.

Revision ID: 9001
Revises: {head}
"""

from alembic import op

revision = "9001"
down_revision = "{head}"


def upgrade() -> None:
    op.execute("DELETE FROM service")
'''


def test_a_revision_that_leaves_rows_referring_to_nothing_is_rolled_back(tmp_path, migrations_copy):
    url = sqlite_database_at(tmp_path, "head")
    add_region_and_an_appointment(url)
    (migrations_copy / "versions" / "9001_breaking.py").write_text(
        BREAKING_REVISION.format(head=HEAD)
    )
    engine = make_engine(url)
    with pytest.raises(CommandError, match=r"refer to nothing: .*offering -> service"):
        schema.upgrade_schema(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD
        assert connection.scalar(select(func.count()).select_from(Service)) > 0
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()
