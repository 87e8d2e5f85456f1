"""Named queries: every read and write the services make, in one place, on a Session.

Bulk paths use Core `insert` with lists of rows (one round trip for many rows), not one ORM
object at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from audit.store.tables import (
    AnswerRow,
    EvidenceRow,
    QuestionnaireRow,
    SubmissionRow,
    VendorRevision,
    VendorRow,
    utcnow,
)


def vendor(session: Session, vendor_id: str) -> VendorRow | None:
    return session.get(VendorRow, vendor_id)


def vendors(session: Session) -> Sequence[VendorRow]:
    return session.exec(select(VendorRow).order_by(col(VendorRow.id))).all()


def existing_vendor_ids(session: Session, ids: Iterable[str]) -> dict[str, int]:
    """Revision of each listed vendor that exists."""
    wanted = list(ids)
    rows = session.exec(
        select(VendorRow.id, VendorRow.revision).where(col(VendorRow.id).in_(wanted))
    )
    return dict(rows.all())


def save_vendors(
    session: Session, records: Sequence[dict[str, Any]], revisions: dict[str, int], source: str
) -> None:
    """Insert new vendors and update existing ones, writing a revision row for every change."""
    now = utcnow()
    new_rows, revision_rows = [], []
    for record in records:
        previous = revisions.get(record["id"])
        revision = 1 if previous is None else previous + 1
        columns = {
            "name": record["name"],
            "criticality": record["criticality"],
            "delivery": record["delivery"],
            "owner": record["owner"],
            "onboarded": dt.date.fromisoformat(record["onboarded"])
            if record.get("onboarded")
            else None,
            "record": record,
            "revision": revision,
            "updated_at": now,
        }
        if previous is None:
            new_rows.append({"id": record["id"], "created_at": now, **columns})
        else:
            row = session.get(VendorRow, record["id"])
            assert row is not None  # noqa: S101 - looked up in this transaction
            for key, value in columns.items():
                setattr(row, key, value)
            session.add(row)
        revision_rows.append(
            {
                "vendor_id": record["id"],
                "revision": revision,
                "record": record,
                "source": source,
                "changed_at": now,
            }
        )
    if new_rows:
        session.execute(insert(VendorRow), new_rows)
    session.flush()
    session.execute(insert(VendorRevision), revision_rows)


def vendor_revisions(session: Session, vendor_id: str) -> Sequence[VendorRevision]:
    query = (
        select(VendorRevision)
        .where(VendorRevision.vendor_id == vendor_id)
        .order_by(col(VendorRevision.revision))
    )
    return session.exec(query).all()


def questionnaire(session: Session, questionnaire_id: str) -> QuestionnaireRow | None:
    return session.get(QuestionnaireRow, questionnaire_id)


def questionnaires(session: Session, vendor_id: str | None = None) -> Sequence[QuestionnaireRow]:
    query = select(QuestionnaireRow).order_by(
        col(QuestionnaireRow.issued), col(QuestionnaireRow.id)
    )
    if vendor_id is not None:
        query = query.where(QuestionnaireRow.vendor_id == vendor_id)
    return session.exec(query).all()


def count_questionnaires(session: Session, vendor_id: str, issued: dt.date) -> int:
    query = select(func.count()).where(
        QuestionnaireRow.vendor_id == vendor_id, QuestionnaireRow.issued == issued
    )
    return int(session.exec(query).one())


def submissions(session: Session, questionnaire_id: str) -> Sequence[SubmissionRow]:
    query = (
        select(SubmissionRow)
        .where(SubmissionRow.questionnaire_id == questionnaire_id)
        .order_by(col(SubmissionRow.version))
    )
    return session.exec(query).all()


def latest_submission(session: Session, vendor_id: str) -> SubmissionRow | None:
    query = (
        select(SubmissionRow)
        .where(SubmissionRow.vendor_id == vendor_id)
        .order_by(col(SubmissionRow.imported_at).desc(), col(SubmissionRow.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def answers(session: Session, submission_id: int) -> Sequence[AnswerRow]:
    query = (
        select(AnswerRow)
        .where(AnswerRow.submission_id == submission_id)
        .order_by(col(AnswerRow.id))
    )
    return session.exec(query).all()


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":{}"}


def insert_submission(
    session: Session, submission: dict[str, Any], answer_rows: list[dict[str, Any]]
) -> int:
    """A submission and its answers; the answers go in one `executemany`, serialised here.

    Answers are the bulk of every import, so they bypass per-row ORM and bind processing: the
    JSON columns get the same `json.dumps` text SQLAlchemy's JSON type would have written.
    """
    row = SubmissionRow(**submission)
    session.add(row)
    session.flush()
    assert row.id is not None  # noqa: S101 - assigned by flush
    if answer_rows:
        connection = session.connection()
        mark = _PLACEHOLDERS[connection.dialect.paramstyle]
        marks = ", ".join(mark.format(i + 1) for i in range(5))
        columns = "submission_id, control_id, value, comment, evidence"
        statement = f"INSERT INTO answer ({columns}) VALUES ({marks})"  # noqa: S608 - no values
        dumps = json.dumps
        connection.exec_driver_sql(
            statement,
            [
                (row.id, a["control_id"], dumps(a["value"]), a["comment"], dumps(a["evidence"]))
                for a in answer_rows
            ],
        )
    return row.id


def evidence_by_hash(
    session: Session, vendor_id: str, sha256: str, kind: str
) -> EvidenceRow | None:
    query = select(EvidenceRow).where(
        EvidenceRow.vendor_id == vendor_id, EvidenceRow.sha256 == sha256, EvidenceRow.kind == kind
    )
    return session.exec(query).first()


def evidence(session: Session, vendor_id: str | None = None) -> Sequence[EvidenceRow]:
    query = select(EvidenceRow).order_by(
        col(EvidenceRow.vendor_id), col(EvidenceRow.kind), col(EvidenceRow.id)
    )
    if vendor_id is not None:
        query = query.where(EvidenceRow.vendor_id == vendor_id)
    return session.exec(query).all()
