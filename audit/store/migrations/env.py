"""Alembic environment: runs on the connection `audit.store.engine.upgrade` passes in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import audit.store.tables  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through audit.store.engine.upgrade")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
