"""What one assessment reads and writes, as columns and statements rather than ORM objects:
`assess --all` runs these ten thousand times, and an ORM flush per finding cost more than the
scoring itself (45,000 flushes at 1,000 vendors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from audit.store.tables import (
    AnswerRow,
    AuditRunRow,
    EvidenceRow,
    FindingEventRow,
    FindingRow,
    SubmissionRow,
)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A run as a summary shows it: no inputs, no results."""

    id: int
    as_of: dt.date
    score: float
    rating: str


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding's columns that a run reads and may change."""

    id: int
    control_id: str
    severity: str
    status: str
    due: dt.date
    opened_run_id: int
    last_seen_run_id: int
    resolved_run_id: int | None
    accepted_until: dt.date | None


@dataclass(frozen=True, slots=True)
class Part:
    """A submission as a run names it: which answers, of which version, by whom."""

    id: int
    questionnaire_id: str
    version: int
    sha256: str
    status: str
    completed_by: str | None
    answered: int

    @classmethod
    def of(cls, row: SubmissionRow) -> Part:
        assert row.id is not None  # noqa: S101 - a stored row
        return cls(
            row.id,
            row.questionnaire_id,
            row.version,
            row.sha256,
            row.status,
            row.completed_by,
            row.answered,
        )


def parts(session: Session, ids: Sequence[int]) -> dict[int, Part]:
    """Submissions by id, as runs name them."""
    query = sa.select(
        col(SubmissionRow.id),
        col(SubmissionRow.questionnaire_id),
        col(SubmissionRow.version),
        col(SubmissionRow.sha256),
        col(SubmissionRow.status),
        col(SubmissionRow.completed_by),
        col(SubmissionRow.answered),
    ).where(col(SubmissionRow.id).in_(list(ids)))
    return {row.id: Part(*row) for row in session.execute(query)}


def answers(session: Session, submission_ids: Sequence[int]) -> Sequence[sa.Row[Any]]:
    """(submission_id, control_id, value, comment, evidence) of these submissions' answers."""
    query = (
        sa.select(
            col(AnswerRow.submission_id),
            col(AnswerRow.control_id),
            col(AnswerRow.value),
            col(AnswerRow.comment),
            col(AnswerRow.evidence),
        )
        .where(col(AnswerRow.submission_id).in_(list(submission_ids)))
        .order_by(col(AnswerRow.id))
    )
    return session.execute(query).all()


def evidence(session: Session, vendor_id: str) -> Sequence[sa.Row[Any]]:
    """(id, kind, sha256, issued, expires, period_end, controls) of the vendor's evidence."""
    query = (
        sa.select(
            col(EvidenceRow.id),
            col(EvidenceRow.kind),
            col(EvidenceRow.sha256),
            col(EvidenceRow.issued),
            col(EvidenceRow.expires),
            col(EvidenceRow.period_end),
            col(EvidenceRow.controls),
        )
        .where(col(EvidenceRow.vendor_id) == vendor_id)
        .order_by(col(EvidenceRow.kind), col(EvidenceRow.id))
    )
    return session.execute(query).all()


def newest_run(session: Session, vendor_id: str) -> RunSummary | None:
    """The vendor's newest run (by as_of, then id), without its inputs and results."""
    query = (
        sa.select(
            col(AuditRunRow.id),
            col(AuditRunRow.as_of),
            col(AuditRunRow.score),
            col(AuditRunRow.rating),
        )
        .where(col(AuditRunRow.vendor_id) == vendor_id)
        .order_by(col(AuditRunRow.as_of).desc(), col(AuditRunRow.id).desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return RunSummary(*row) if row is not None else None


def insert_run(session: Session, values: dict[str, Any]) -> int:
    """Insert a run (its columns by name) and return its id."""
    table = AuditRunRow.__table__  # type: ignore[attr-defined]
    statement = sa.insert(table).returning(table.c.id)
    return int(session.execute(statement, [values]).scalar_one())


def findings(session: Session, vendor_id: str) -> dict[str, StoredFinding]:
    """The vendor's findings by control."""
    query = sa.select(
        col(FindingRow.id),
        col(FindingRow.control_id),
        col(FindingRow.severity),
        col(FindingRow.status),
        col(FindingRow.due),
        col(FindingRow.opened_run_id),
        col(FindingRow.last_seen_run_id),
        col(FindingRow.resolved_run_id),
        col(FindingRow.accepted_until),
    ).where(col(FindingRow.vendor_id) == vendor_id)
    return {row.control_id: StoredFinding(*row) for row in session.execute(query)}


def insert_findings(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert findings in one statement; their ids in the order given."""
    if not rows:
        return []
    table = FindingRow.__table__  # type: ignore[attr-defined]
    statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.execute(statement, list(rows)).scalars()]


def update_findings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Store the new state of existing findings in one statement (`finding_id` plus the
    columns a run changes)."""
    if not rows:
        return
    table = FindingRow.__table__  # type: ignore[attr-defined]
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("finding_id"))
        .values(
            status=sa.bindparam("status"),
            due=sa.bindparam("due"),
            opened_run_id=sa.bindparam("opened_run_id"),
            last_seen_run_id=sa.bindparam("last_seen_run_id"),
            resolved_run_id=sa.bindparam("resolved_run_id"),
            accepted_until=sa.bindparam("accepted_until"),
            updated_at=sa.bindparam("updated_at"),
        )
    )
    session.connection().execute(statement, list(rows))


def insert_events(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append finding events in one statement."""
    if rows:
        table = FindingEventRow.__table__  # type: ignore[attr-defined]
        session.connection().execute(sa.insert(table), list(rows))
