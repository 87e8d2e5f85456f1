"""Sessions on the workspace database; one engine per URL per process."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlmodel import Session

from audit.locks import file_lock
from audit.store.engine import open_database
from audit.workspace import Workspace

_engines: dict[str, Engine] = {}


def engine_for(workspace: Workspace) -> Engine:
    url = workspace.database_url
    if url not in _engines:
        _engines[url] = open_database(url)
    return _engines[url]


def forget_engines() -> None:
    """Dispose of cached engines (tests that drop databases call this)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def transaction(workspace: Workspace) -> Iterator[Session]:
    """A session whose work is committed together, or not at all."""
    with Session(engine_for(workspace), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(workspace: Workspace) -> Iterator[Session]:
    with Session(engine_for(workspace), expire_on_commit=False) as session:
        yield session


@contextmanager
def exclusive(workspace: Workspace, name: str) -> Iterator[None]:
    """Held by one process at a time for this workspace's database: another process asking
    for it waits until the holder is done. On PostgreSQL an advisory lock, so schedulers on
    several machines that share the database take turns; on SQLite a lock on a file in
    `.audit/`, next to the database."""
    engine = engine_for(workspace)
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"audit:{name}".encode()).digest()[:8], "big") >> 1
        with engine.connect() as connection:
            held = connection.execution_options(isolation_level="AUTOCOMMIT")
            held.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            try:
                yield
            finally:
                held.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        return
    with file_lock(workspace.state_dir / f"{name}.lock"):
        yield
