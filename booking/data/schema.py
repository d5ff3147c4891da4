"""The schema's migrations (Alembic), driven from code: no alembic.ini.

``booking setup`` and the tests bring a database to the newest revision with
:func:`upgrade_schema`, handing Alembic an open connection.  The ``booking db``
commands give Alembic the database URL instead (:func:`alembic_config`), and
``migrations/env.py`` makes the engine itself.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# New revision files are named like the first: "0002_service_under_a_day.py".
FILE_TEMPLATE = "%%(rev)s_%%(slug)s"

# Ruff tidies what Alembic writes, when it is installed (it comes with the test extras).
RUFF_HOOKS = {
    "hooks": "ruff_fix ruff_format",
    "ruff_fix.type": "module",
    "ruff_fix.module": "ruff",
    "ruff_fix.options": "check --fix --exit-zero --quiet REVISION_SCRIPT_FILENAME",
    "ruff_format.type": "module",
    "ruff_format.module": "ruff",
    "ruff_format.options": "format --quiet REVISION_SCRIPT_FILENAME",
}


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic's configuration; with ``database_url``, env.py connects there itself."""
    # Printed output goes where sys.stdout points now (Click's runner swaps it).
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", FILE_TEMPLATE)
    # The URL goes in as an attribute: config options would read "%" in a password.
    config.attributes["database_url"] = database_url
    if importlib.util.find_spec("ruff") is not None:
        for key, value in RUFF_HOOKS.items():
            config.set_section_option("post_write_hooks", key, value)
    return config


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to run again."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    config = alembic_config()
    # Handed in outside a transaction: env.py begins it, after what SQLite
    # only accepts outside one (see env.py).
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def new_revision(database_url: str, message: str, *, autogenerate: bool) -> Path:
    """Write the next revision file, numbered after the newest; return its path.

    With ``autogenerate`` it holds what the database at ``database_url`` lacks
    compared with the models; review it before applying it."""
    config = alembic_config(database_url)
    script = command.revision(
        config, message=message, autogenerate=autogenerate, rev_id=_next_revision_id(config)
    )
    return Path(script.path)


def _next_revision_id(config: Config) -> str:
    revisions = ScriptDirectory.from_config(config).walk_revisions()
    numbers = [int(revision.revision) for revision in revisions if revision.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"
