"""Shared fixtures: fresh workspaces, both database backends, and the CLI through typer's runner.

Store tests run on SQLite and on PostgreSQL. PostgreSQL comes from AUDIT_TEST_POSTGRES_URL; each
test gets a schema of its own. Where AUDIT_REQUIRE_POSTGRES is set (CI), a missing or unreachable
server fails the run instead of skipping.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel
from typer.testing import CliRunner

import audit.store.tables  # noqa: F401 - registers the tables
from audit.cli import app
from audit.cli.demo import COUNTRY, REGIMES
from audit.content.library import load_content
from audit.content.model import ContentSet
from audit.services.database import forget_engines
from audit.workspace import Workspace, builtin_root, init_workspace, open_workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "portfolio"
POSTGRES_URL = os.environ.get("AUDIT_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = bool(os.environ.get("AUDIT_REQUIRE_POSTGRES"))


@pytest.fixture(scope="session")
def builtin() -> Path:
    return builtin_root()


@functools.cache
def builtin_content() -> ContentSet:
    """The built-in checklists, indexes and policy, loaded once per test run."""
    root = builtin_root()
    return load_content(
        root / "checklists", root / "checklists" / "frameworks", root / "policies/default.yaml"
    )


@pytest.fixture(scope="session")
def content() -> ContentSet:
    return builtin_content()


def sample_client(target: Path) -> Workspace:
    """A workspace for the sample portfolio's client: the demo's EU insurer and its regimes, so
    that the sample's filled questionnaires are read against the questions they answer."""
    return init_workspace(target, None, REGIMES, COUNTRY)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return sample_client(tmp_path / "ws")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner, workspace: Workspace) -> Callable[..., Any]:
    """Run `audit --workspace WS ARGS...` and return the result."""

    def invoke(*args: str) -> Any:
        return runner.invoke(app, ["--workspace", str(workspace.root), *[str(a) for a in args]])

    return invoke


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("AUDIT_REQUIRE_POSTGRES is set but AUDIT_TEST_POSTGRES_URL is not")
        pytest.skip("no PostgreSQL: set AUDIT_TEST_POSTGRES_URL to run the store tests on it")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL required but unreachable: {exc.orig}")
        pytest.skip(f"PostgreSQL unreachable: {exc.orig}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    forget_engines()
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        forget_engines()
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def db_workspace(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A workspace on each database backend."""
    monkeypatch.setenv("AUDIT_DATABASE_URL", database_url)
    sample_client(tmp_path / "dbws")
    return open_workspace(tmp_path / "dbws")


@pytest.fixture
def dcli(runner: CliRunner, db_workspace: Workspace) -> Callable[..., Any]:
    def invoke(*args: str) -> Any:
        return runner.invoke(app, ["--workspace", str(db_workspace.root), *[str(a) for a in args]])

    return invoke


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: compare two to prove nothing changed."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    rows = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            rows[table.name] = [
                tuple(r) for r in connection.execute(sa.select(table).order_by(*order))
            ]
    engine.dispose()
    return rows


def copy_content(target: Path) -> Path:
    """A throw-away copy of the built-in content for tests that break it."""
    for name in ("checklists", "policies"):
        shutil.copytree(builtin_root() / name, target / name)
    return target
