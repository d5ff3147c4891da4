"""Alembic environment: migrations run against the connection handed in by booking.schema."""

from __future__ import annotations

from alembic import context

from booking.data.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
