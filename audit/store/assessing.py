"""What one assessment reads and writes, as statements on the tables rather than ORM objects:
`assess --all` runs these ten thousand times, and an ORM flush per finding cost more than the
scoring itself (45,000 flushes at 1,000 vendors). The statements are built once, on the plain
tables (no ORM compilation), and run on the session's connection, in its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from audit.store import bulk
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
    sha256: str = ""


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
    source: str = ""  # the file imported, or "portal" for answers given in the portal

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
            row.source_name,
        )


_SUBMISSION: sa.Table = SubmissionRow.__table__  # type: ignore[attr-defined]
_ANSWER: sa.Table = AnswerRow.__table__  # type: ignore[attr-defined]
_EVIDENCE: sa.Table = EvidenceRow.__table__  # type: ignore[attr-defined]
_RUN: sa.Table = AuditRunRow.__table__  # type: ignore[attr-defined]
_FINDING: sa.Table = FindingRow.__table__  # type: ignore[attr-defined]
_EVENT: sa.Table = FindingEventRow.__table__  # type: ignore[attr-defined]

_PARTS = sa.select(
    _SUBMISSION.c.id,
    _SUBMISSION.c.questionnaire_id,
    _SUBMISSION.c.version,
    _SUBMISSION.c.sha256,
    _SUBMISSION.c.status,
    _SUBMISSION.c.completed_by,
    _SUBMISSION.c.answered,
    _SUBMISSION.c.source_name,
).where(_SUBMISSION.c.id.in_(sa.bindparam("ids", expanding=True)))

_ANSWERS = (
    sa.select(
        _ANSWER.c.submission_id,
        _ANSWER.c.control_id,
        _ANSWER.c.value,
        _ANSWER.c.comment,
        _ANSWER.c.evidence,
    )
    .where(_ANSWER.c.submission_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_ANSWER.c.id)
)

_VENDOR_EVIDENCE = (
    sa.select(
        _EVIDENCE.c.id,
        _EVIDENCE.c.kind,
        _EVIDENCE.c.sha256,
        _EVIDENCE.c.issued,
        _EVIDENCE.c.expires,
        _EVIDENCE.c.period_end,
        _EVIDENCE.c.controls,
        _EVIDENCE.c.period_start,
        _EVIDENCE.c.audited,
    )
    .where(_EVIDENCE.c.vendor_id == sa.bindparam("vendor_id"))
    .order_by(_EVIDENCE.c.kind, _EVIDENCE.c.id)
)

_NEWEST_RUN = (
    sa.select(_RUN.c.id, _RUN.c.as_of, _RUN.c.score, _RUN.c.rating, _RUN.c.sha256)
    .where(_RUN.c.vendor_id == sa.bindparam("vendor_id"))
    .order_by(_RUN.c.as_of.desc(), _RUN.c.id.desc())
    .limit(1)
)

_INSERT_RUN = sa.insert(_RUN).returning(_RUN.c.id)

_FINDINGS = sa.select(
    _FINDING.c.id,
    _FINDING.c.control_id,
    _FINDING.c.severity,
    _FINDING.c.status,
    _FINDING.c.due,
    _FINDING.c.opened_run_id,
    _FINDING.c.last_seen_run_id,
    _FINDING.c.resolved_run_id,
    _FINDING.c.accepted_until,
).where(_FINDING.c.vendor_id == sa.bindparam("vendor_id"))

_FINDING_IDS = sa.select(_FINDING.c.control_id, _FINDING.c.id).where(
    _FINDING.c.vendor_id == sa.bindparam("vendor_id"),
    _FINDING.c.control_id.in_(sa.bindparam("controls", expanding=True)),
)

_UPDATE_FINDING = (
    sa.update(_FINDING)
    .where(_FINDING.c.id == sa.bindparam("finding_id"))
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


def parts(session: Session, ids: Sequence[int]) -> dict[int, Part]:
    """Submissions by id, as runs name them."""
    rows = session.connection().execute(_PARTS, {"ids": list(ids)})
    return {row.id: Part(*row) for row in rows}


def answers(session: Session, submission_ids: Sequence[int]) -> Sequence[Any]:
    """(submission_id, control_id, value, comment, evidence) of these submissions' answers."""
    return session.connection().execute(_ANSWERS, {"ids": list(submission_ids)}).all()


def evidence(session: Session, vendor_id: str) -> Sequence[Any]:
    """(id, kind, sha256, issued, expires, period_end, controls) of the vendor's evidence."""
    return session.connection().execute(_VENDOR_EVIDENCE, {"vendor_id": vendor_id}).all()


def newest_run(session: Session, vendor_id: str) -> RunSummary | None:
    """The vendor's newest run (by as_of, then id), without its inputs and results."""
    row = session.connection().execute(_NEWEST_RUN, {"vendor_id": vendor_id}).first()
    return RunSummary(*row) if row is not None else None


def insert_run(session: Session, values: dict[str, Any]) -> int:
    """Insert a run (its columns by name) and return its id."""
    return int(session.connection().execute(_INSERT_RUN, values).scalar_one())


def findings(session: Session, vendor_id: str) -> dict[str, StoredFinding]:
    """The vendor's findings by control."""
    rows = session.connection().execute(_FINDINGS, {"vendor_id": vendor_id})
    return {row.control_id: StoredFinding(*row) for row in rows}


def insert_findings(
    session: Session, vendor_id: str, rows: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Insert the vendor's new findings in one statement; their ids by control (read back
    through the (vendor, control) key: cheaper than RETURNING row by row)."""
    if not rows:
        return {}
    bulk.insert_rows(session, _FINDING, rows)
    controls = [row["control_id"] for row in rows]
    found = session.connection().execute(
        _FINDING_IDS, {"vendor_id": vendor_id, "controls": controls}
    )
    return {control_id: int(i) for control_id, i in found}


def update_findings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Store the new state of existing findings in one statement (`finding_id` plus the
    columns a run changes)."""
    if rows:
        session.connection().execute(_UPDATE_FINDING, list(rows))


def insert_events(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append finding events in one statement."""
    if rows:
        bulk.insert_rows(session, _EVENT, rows)
