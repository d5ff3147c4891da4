"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect
from sqlalchemy.exc import IntegrityError

from booking.data.base import Base
from booking.data.schema import upgrade_schema


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrading_again_changes_nothing(engine):
    upgrade_schema(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_check_constraints_match_the_models(engine):
    # Alembic's comparison above does not look at CHECK constraints.
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in Base.metadata.sorted_tables:
            in_model = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
            migrated = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert migrated == in_model, table.name


def test_the_database_refuses_a_service_that_holds_a_room_for_a_day(session, factory):
    service = factory.service("kela-long", points=(), duration_minutes=480, buffer_minutes=120)
    service.duration_minutes, service.buffer_minutes = 1380, 60
    with pytest.raises(IntegrityError, match="service_holds_under_a_day"):
        session.flush()
