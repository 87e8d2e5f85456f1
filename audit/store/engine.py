"""Database engines: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL through psycopg 3.

`open_database` upgrades the schema to the newest migration before anything else touches it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config

from audit.errors import WorkspaceError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration, from the file names (`0005_questionnaire_parts.py` is revision 0005):
# a database already there needs no Alembic at all, which spares every command its import.
HEAD = max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))
SQLITE_BUSY_MS = 10_000
_SCALARS = (str, int, float, bool, type(None))
_DECODED: dict[bytes | str, Any] = {}  # a list of scalars is kept as a tuple, copied out


class EncodedJSON(str):
    """JSON text already encoded, stored as it is: a run's result is encoded once, to hash its
    canonical bytes, and those bytes are what the column keeps (encoding it again for the
    column was a twentieth of an assessment)."""

    __slots__ = ()


def _json_dumps(value: Any) -> str:
    return value if isinstance(value, EncodedJSON) else json.dumps(value)


def _json_loads(data: bytes | str) -> Any:
    """`json.loads` that decodes each short value once per process: the JSON columns an
    assessment reads are mostly answers such as "full", 100 or [3763] (some 200 per vendor),
    and decoding them one by one was a tenth of `assess --all` on PostgreSQL. Scalars are
    shared; a list is cached as a tuple and every caller gets a new list."""
    if len(data) > 48:
        return json.loads(data)
    cached = _DECODED.get(data, _DECODED)
    if cached is _DECODED:
        value = json.loads(data)
        if len(_DECODED) < 65_536:
            if isinstance(value, _SCALARS):
                _DECODED[data] = value
            elif isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
                _DECODED[data] = tuple(value)
        return value
    if type(cached) is tuple:
        return list(cached)
    return cached


# Connections a process keeps open to PostgreSQL once it has needed them (opened lazily, so a
# command that needs one keeps one), and opens beyond them when busy (closed when returned: a
# new connection is a new server process, which costs more than most queries).
POOL_SIZE = 5
POOL_OVERFLOW = 3


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url` with the settings this tool relies on."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_MS / 1000},
            json_serializer=_json_dumps,
            json_deserializer=_json_loads,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A few pooled connections per process: every session opening its own (NullPool) made a
    # batch of 10,000 vendors open some 70,000 connections, each a new server process.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_recycle=1800,
        json_serializer=_json_dumps,
        json_deserializer=_json_loads,
    )


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is current)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The schema's migration, or None for a database without one."""
    try:
        with engine.connect() as connection:
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None
    return None if value is None else str(value)


def open_database(url: str) -> Engine:
    """Connect and upgrade; a database that cannot be reached is a clear error, not a traceback."""
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise WorkspaceError(
            f"cannot use database URL {url.split('@')[-1]!r}: {exc}",
            hint="check AUDIT_DATABASE_URL or database_url in audit.toml, e.g. "
            "postgresql+psycopg://user@host/db",
        ) from None
    try:
        if current_revision(engine) != HEAD:
            upgrade(engine)
    except OperationalError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        raise WorkspaceError(
            f"cannot open database {shown}: {exc.orig}",
            hint="check AUDIT_DATABASE_URL or database_url in audit.toml",
        ) from None
    return engine
