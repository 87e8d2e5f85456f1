"""Named queries: every read and write the services make, in one place, on a Session.

Bulk paths use Core `insert` with lists of rows (one round trip for many rows), not one ORM
object at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from audit.store.tables import (
    AnswerRow,
    AuditRunRow,
    FindingEventRow,
    FindingRow,
    QuestionnaireRow,
    QuestionSpecRow,
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
    session: Session,
    records: Sequence[dict[str, Any]],
    revisions: dict[str, int],
    source: str,
    derived: Mapping[str, dict[str, Any]],
) -> None:
    """Insert new vendors and update existing ones, writing a revision row for every change.

    `derived` holds, per vendor id, the columns computed from the record (tier, since)."""
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
            **derived[record["id"]],
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
        session.execute(sa.insert(VendorRow), new_rows)
    session.flush()
    session.execute(sa.insert(VendorRevision), revision_rows)


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


def questionnaire_ids_on(session: Session, vendor_id: str, issued: dt.date) -> set[str]:
    """Ids of the vendor's questionnaires issued that day (to number a second issue)."""
    query = select(QuestionnaireRow.id).where(
        QuestionnaireRow.vendor_id == vendor_id, QuestionnaireRow.issued == issued
    )
    return set(session.exec(query).all())


def question_spec(session: Session, sha256: str) -> QuestionSpecRow | None:
    return session.get(QuestionSpecRow, sha256)


def save_question_spec(session: Session, sha256: str, body: dict[str, Any]) -> None:
    """Store a spec body once: identical content is shared by every questionnaire that has it."""
    if session.get(QuestionSpecRow, sha256) is None:
        session.add(QuestionSpecRow(sha256=sha256, body=body))
        session.flush()


def submissions(session: Session, questionnaire_id: str) -> Sequence[SubmissionRow]:
    query = (
        select(SubmissionRow)
        .where(SubmissionRow.questionnaire_id == questionnaire_id)
        .order_by(col(SubmissionRow.version))
    )
    return session.exec(query).all()


def latest_submission(
    session: Session, vendor_id: str, part: str = "vendor"
) -> SubmissionRow | None:
    """The vendor's most recent final submission of one part."""
    query = (
        select(SubmissionRow)
        .join(QuestionnaireRow, col(QuestionnaireRow.id) == col(SubmissionRow.questionnaire_id))
        .where(
            SubmissionRow.vendor_id == vendor_id,
            QuestionnaireRow.part == part,
            SubmissionRow.status == "final",
        )
        .order_by(col(SubmissionRow.imported_at).desc(), col(SubmissionRow.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def submission_with_bytes(
    session: Session, questionnaire_id: str, sha256: str
) -> SubmissionRow | None:
    query = select(SubmissionRow).where(
        SubmissionRow.questionnaire_id == questionnaire_id, SubmissionRow.sha256 == sha256
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


def submission_as_of(
    session: Session,
    vendor_id: str,
    as_of: dt.date,
    *,
    part: str = "vendor",
    include_draft: bool = False,
) -> SubmissionRow | None:
    """The newest final submission (or, with `include_draft`, the newest of any status) of the
    newest questionnaire of one part issued on or before `as_of` that has one."""
    query = (
        select(SubmissionRow)
        .join(QuestionnaireRow, col(QuestionnaireRow.id) == col(SubmissionRow.questionnaire_id))
        .where(
            SubmissionRow.vendor_id == vendor_id,
            col(QuestionnaireRow.issued) <= as_of,
            QuestionnaireRow.part == part,
        )
        .order_by(
            col(QuestionnaireRow.issued).desc(),
            col(QuestionnaireRow.id).desc(),
            col(SubmissionRow.version).desc(),
        )
        .limit(1)
    )
    if not include_draft:
        query = query.where(SubmissionRow.status == "final")
    return session.exec(query).first()


def run(session: Session, run_id: int) -> AuditRunRow | None:
    return session.get(AuditRunRow, run_id)


def runs(session: Session, vendor_id: str) -> Sequence[AuditRunRow]:
    query = (
        select(AuditRunRow)
        .where(AuditRunRow.vendor_id == vendor_id)
        .order_by(col(AuditRunRow.as_of), col(AuditRunRow.id))
    )
    return session.exec(query).all()


def findings_of(session: Session, vendor_id: str) -> Sequence[FindingRow]:
    query = select(FindingRow).where(FindingRow.vendor_id == vendor_id).order_by(col(FindingRow.id))
    return session.exec(query).all()


def finding(session: Session, finding_id: int) -> FindingRow | None:
    return session.get(FindingRow, finding_id)


def _finding_filters(
    vendor_id: str | None,
    statuses: Sequence[str] | None,
    due_before: dt.date | None,
    severity: str | None = None,
) -> list[Any]:
    filters: list[Any] = []
    if severity is not None:
        filters.append(col(FindingRow.severity) == severity)
    if vendor_id is not None:
        filters.append(col(FindingRow.vendor_id) == vendor_id)
    if statuses:
        filters.append(col(FindingRow.status).in_(list(statuses)))
    if due_before is not None:
        filters.append(col(FindingRow.due) < due_before)
    return filters


def findings(
    session: Session,
    *,
    vendor_id: str | None = None,
    statuses: Sequence[str] | None = None,
    due_before: dt.date | None = None,
    severity: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[FindingRow]:
    """Findings in vendor and control order, filtered (and paged) by the database."""
    query = (
        select(FindingRow)
        .where(*_finding_filters(vendor_id, statuses, due_before, severity))
        .order_by(col(FindingRow.vendor_id), col(FindingRow.control_id))
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def count_findings(
    session: Session,
    *,
    vendor_id: str | None = None,
    statuses: Sequence[str] | None = None,
    due_before: dt.date | None = None,
    severity: str | None = None,
) -> int:
    query = (
        sa.select(func.count())
        .select_from(FindingRow)
        .where(*_finding_filters(vendor_id, statuses, due_before, severity))
    )
    return int(session.execute(query).scalar_one())


def events(session: Session, finding_ids: Sequence[int]) -> Sequence[FindingEventRow]:
    query = (
        select(FindingEventRow)
        .where(col(FindingEventRow.finding_id).in_(list(finding_ids)))
        .order_by(col(FindingEventRow.id))
    )
    return session.exec(query).all()


def run_events(session: Session, run_ids: Sequence[int]) -> Sequence[FindingEventRow]:
    query = (
        select(FindingEventRow)
        .where(col(FindingEventRow.run_id).in_(list(run_ids)))
        .order_by(col(FindingEventRow.id))
    )
    return session.exec(query).all()


def stale_tiers(session: Session, policy_sha256: str) -> Sequence[VendorRow]:
    """Vendors whose stored tier was computed by another policy (or never)."""
    query = select(VendorRow).where(
        sa.or_(col(VendorRow.tier_policy).is_(None), col(VendorRow.tier_policy) != policy_sha256)
    )
    return session.exec(query).all()


def set_derived(session: Session, updates: Sequence[dict[str, Any]]) -> None:
    """Store recomputed tiers in one statement (`vendor_id` plus the derived columns)."""
    if updates:
        statement = (
            sa.update(VendorRow)
            .where(col(VendorRow.id) == sa.bindparam("vendor_id"))
            .values(
                tier=sa.bindparam("tier"),
                tier_points=sa.bindparam("tier_points"),
                tier_reasons=sa.bindparam("tier_reasons"),
                tier_policy=sa.bindparam("tier_policy"),
                since=sa.bindparam("since"),
            )
        )
        session.connection().execute(statement, list(updates))
