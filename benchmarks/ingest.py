"""ingest_ratio: answers stored per second by the project's store path, over raw sqlite3
`executemany` of the same rows into the same table, both on a file database with WAL."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from audit.store import queries
from audit.store.engine import open_database
from audit.store.tables import QuestionnaireRow, VendorRow

CONTROLS = 250


def _answers(rng: random.Random, count: int) -> list[dict[str, Any]]:
    values = ["full", "partial", "none", 97.5, "2026-03-01", ["a", "b"]]
    return [
        {
            "control_id": f"SEC-X{i // 100:02d}-{i % 100:02d}",
            "value": rng.choice(values),
            "comment": "explained" if rng.random() < 0.2 else None,
            "evidence": [rng.randrange(1, 50)] if rng.random() < 0.3 else [],
        }
        for i in range(count)
    ]


def _project(folder: Path, batches: list[list[dict[str, Any]]]) -> float:
    engine = open_database(f"sqlite:///{folder / 'project.db'}")
    with Session(engine) as session, session.begin():
        session.add(
            VendorRow(
                id="v",
                name="V",
                criticality="critical",
                delivery="offshore",
                owner="o@x.io",
                record={},
            )
        )
        session.flush()
        session.add(
            QuestionnaireRow(
                id="q",
                vendor_id="v",
                issued=dt.date(2026, 1, 1),
                due=dt.date(2026, 2, 1),
                checklists={},
                controls=[],
                content_sha256="0",
            )
        )
    start = time.perf_counter()
    for version, rows in enumerate(batches, 1):
        with Session(engine) as session, session.begin():
            queries.insert_submission(
                session,
                {
                    "questionnaire_id": "q",
                    "vendor_id": "v",
                    "version": version,
                    "source_name": "q.yaml",
                    "sha256": "0" * 64,
                    "answered": len(rows),
                    "unanswered": 0,
                },
                rows,
            )
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def _raw(folder: Path, batches: list[list[dict[str, Any]]]) -> float:
    connection = sqlite3.connect(folder / "raw.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE answer (id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL, "
        "control_id VARCHAR(20) NOT NULL, value JSON, comment VARCHAR, evidence JSON NOT NULL, "
        "UNIQUE (submission_id, control_id))"
    )
    connection.commit()
    start = time.perf_counter()
    for submission, rows in enumerate(batches, 1):
        connection.executemany(
            "INSERT INTO answer (submission_id, control_id, value, comment, evidence) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    submission,
                    r["control_id"],
                    json.dumps(r["value"]),
                    r["comment"],
                    json.dumps(r["evidence"]),
                )
                for r in rows
            ],
        )
        connection.commit()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def run(quick: bool, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    submissions = 10 if quick else 200
    batches = [_answers(rng, CONTROLS) for _ in range(submissions)]
    rows = submissions * CONTROLS
    best_project = best_raw = float("inf")
    for _ in range(1 if quick else 3):
        with tempfile.TemporaryDirectory() as folder:
            best_raw = min(best_raw, _raw(Path(folder), batches))
            best_project = min(best_project, _project(Path(folder), batches))
    return {
        "ingest_rows": rows,
        "ingest_rows_per_s": round(rows / best_project),
        "ingest_raw_rows_per_s": round(rows / best_raw),
        "ingest_ratio": round(best_raw / best_project, 3),
    }
