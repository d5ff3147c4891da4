"""Alembic environment: runs the revisions for ``booking setup`` and ``booking db``.

``booking setup`` and the tests hand in an open connection
(``config.attributes["connection"]``); the ``booking db`` commands hand in the
database URL (``config.attributes["database_url"]``) and the engine is made
here, with the app's per-backend settings.  Either way all revisions of a run
go in one transaction, on SQLite too (its DDL is transactional).

SQLite changes most of a table by "batch" mode: build the new table, copy the
rows, drop the old table, rename the new one.  Dropping a table that other rows
reference fails while foreign keys are enforced, so on SQLite the revisions run
with ``PRAGMA foreign_keys=OFF`` (set outside the transaction, the only place
SQLite honours it), and ``PRAGMA foreign_key_check`` must find nothing before
the transaction commits.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from alembic import context
from alembic.util import CommandError
from sqlalchemy import Connection, text

from booking.data.base import Base
from booking.data.column_types import UTCDateTime
from booking.data.sessions import make_engine


def render_item(type_, obj, autogen_context):
    """Write the models' UTC column type as the plain column it is in the database,
    so that revisions do not import the models' code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        render_item=render_item,
        transactional_ddl=True,
    )
    if connection.dialect.name != "sqlite":
        with context.begin_transaction():
            context.run_migrations()
        return
    with foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()
        refuse_broken_references(connection)


@contextmanager
def foreign_keys_off(connection: Connection):
    if connection.in_transaction():
        raise CommandError("hand in a connection outside a transaction (SQLite migrations)")
    # The driver's own connection: SQLAlchemy's would begin a transaction first.
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")
    if driver.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise CommandError("SQLite kept foreign keys on; is a transaction open?")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def refuse_broken_references(connection: Connection) -> None:
    broken = Counter(
        (table, parent)
        for table, _rowid, parent, _key in connection.execute(text("PRAGMA foreign_key_check"))
    )
    if broken:
        found = ", ".join(
            f"{count} {table} -> {parent}" for (table, parent), count in broken.items()
        )
        raise CommandError(f"the migration leaves rows that refer to nothing: {found}")


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(context.config.attributes["database_url"])
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


main()
