"""Sessions on the workspace database; one engine per URL per process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

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
