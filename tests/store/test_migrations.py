"""The migrations build exactly the tables the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from audit.store.engine import make_engine, upgrade


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)  # a second upgrade is a no-op
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        assert context.get_current_revision() is not None
    engine.dispose()


def test_sqlite_pragmas(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    engine.dispose()


def test_the_head_known_without_alembic_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from audit.store.engine import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_a_current_database_opens_without_loading_alembic(tmp_path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    code = (
        "import sys; from audit.store.engine import open_database; "
        f"open_database({url!r}); print('alembic' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


def test_0011_lifts_the_limits_citations_made_and_keeps_the_officers(database_url: str) -> None:
    """Before 0011 a document cited under answers was limited to them; from 0011 citing does not
    limit. A document the officer limited (`evidence add --control`) is cited by no answer."""
    import datetime as dt

    from alembic import command
    from sqlmodel import Session, select

    from audit.store.engine import alembic_config
    from audit.store.tables import (
        AnswerRow,
        EvidenceRow,
        QuestionnaireRow,
        SubmissionRow,
        VendorRow,
    )

    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")  # 0011 changes data only: today's rows fit 0010
    day = dt.date(2026, 12, 1)
    with Session(engine) as session:
        session.add(
            VendorRow(
                id="v",
                name="V",
                criticality="important",
                delivery="onshore",
                owner="o@example.com",
                record={},
            )
        )
        session.flush()
        session.add(
            QuestionnaireRow(
                id="Q",
                vendor_id="v",
                issued=day,
                due=day,
                checklists={},
                controls=[],
                content_sha256="0" * 64,
            )
        )
        for eid, controls in ((1, ["SEC-GOV-01"]), (2, ["SEC-END-02"])):
            session.add(
                EvidenceRow(
                    id=eid,
                    vendor_id="v",
                    kind="k",
                    sha256=str(eid) * 64,
                    file_name="f",
                    size=1,
                    controls=controls,
                )
            )
        session.flush()
        session.add(
            SubmissionRow(
                id=1,
                questionnaire_id="Q",
                vendor_id="v",
                version=1,
                source_name="s",
                sha256="1" * 64,
                answered=1,
                unanswered=0,
            )
        )
        session.flush()
        session.add(AnswerRow(submission_id=1, control_id="SEC-GOV-01", evidence=[1]))
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        limits = {e.id: e.controls for e in session.exec(select(EvidenceRow))}
    engine.dispose()
    assert limits == {1: [], 2: ["SEC-END-02"]}
