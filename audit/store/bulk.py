"""Queries over the whole register, one statement each, reading only the columns asked for:
what the portfolio report, `assess --all`, `due` and the scheduler need at ten thousand vendors
(no query per vendor, no ORM object per row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func

from audit.store.tables import (
    AuditRunRow,
    EvidenceRow,
    FindingRow,
    LedgerRow,
    QuestionnaireRow,
    SubmissionRow,
    VendorRow,
)


def run_scores(session: Session) -> dict[str, list[tuple[dt.date, float, str]]]:
    """Every vendor's runs as (as_of, score, rating), oldest first: one query, no JSON columns."""
    query = sa.select(
        col(AuditRunRow.vendor_id),
        col(AuditRunRow.as_of),
        col(AuditRunRow.score),
        col(AuditRunRow.rating),
    ).order_by(col(AuditRunRow.vendor_id), col(AuditRunRow.as_of), col(AuditRunRow.id))
    history: dict[str, list[tuple[dt.date, float, str]]] = {}
    for vendor_id, as_of, score, rating in session.connection().execute(query):
        history.setdefault(vendor_id, []).append((as_of, score, rating))
    return history


def vendor_records(session: Session) -> list[tuple[str, str, str | None, dt.date | None, Any]]:
    """(id, name, stored tier, since, record) of every vendor, in id order."""
    query = sa.select(
        col(VendorRow.id),
        col(VendorRow.name),
        col(VendorRow.tier),
        col(VendorRow.since),
        col(VendorRow.record),
    ).order_by(col(VendorRow.id))
    return [tuple(row) for row in session.connection().execute(query)]


def finding_tally(
    session: Session, statuses: Sequence[str], today: dt.date
) -> list[tuple[Any, ...]]:
    """Findings in the given statuses counted by (severity, status, the opening run's as-of
    day, past due on `today` or not), with the earliest due date of each group: a few rows
    for a portfolio of any size."""
    opened = sa.orm.aliased(AuditRunRow)
    opened_on: Any = opened.as_of
    late = sa.case((col(FindingRow.due) < today, 1), else_=0)
    query = (
        sa.select(
            col(FindingRow.severity),
            col(FindingRow.status),
            opened_on,
            func.min(col(FindingRow.due)),
            func.count(),
        )
        .join(opened, col(opened.id) == col(FindingRow.opened_run_id))
        .where(col(FindingRow.status).in_(list(statuses)))
        .group_by(col(FindingRow.severity), col(FindingRow.status), opened_on, late)
    )
    return [tuple(row) for row in session.connection().execute(query)]


def latest_final_submissions(session: Session, as_of: dt.date) -> dict[tuple[str, str], int]:
    """Per (vendor, part), the id of its newest final submission of a questionnaire issued on
    or before `as_of` (newest questionnaire, then newest version): one query for the register."""
    query = (
        sa.select(
            col(SubmissionRow.vendor_id),
            col(QuestionnaireRow.part),
            col(SubmissionRow.id),
        )
        .join(QuestionnaireRow, col(QuestionnaireRow.id) == col(SubmissionRow.questionnaire_id))
        .where(col(SubmissionRow.status) == "final", col(QuestionnaireRow.issued) <= as_of)
        .order_by(
            col(QuestionnaireRow.issued),
            col(QuestionnaireRow.id),
            col(SubmissionRow.version),
        )
    )
    latest: dict[tuple[str, str], int] = {}
    for vendor_id, part, submission_id in session.connection().execute(query):
        latest[(vendor_id, part)] = submission_id or 0  # later rows are newer; ids start at 1
    return latest


def assessed_pairs(session: Session) -> set[tuple[int | None, int | None]]:
    """Every (vendor submission, assessor review) pair some run has scored."""
    query = sa.select(col(AuditRunRow.submission_id), col(AuditRunRow.review_submission_id))
    return {(a, b) for a, b in session.connection().execute(query)}


def ledger_keys(session: Session) -> set[str]:
    """Every key the scheduler's ledger holds."""
    return set(session.connection().execute(sa.select(col(LedgerRow.key))).scalars())


def ledger_keys_among(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these keys the ledger holds already (asked in chunks the database accepts)."""
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = list(keys[start : start + 900])
        query = sa.select(col(LedgerRow.key)).where(col(LedgerRow.key).in_(chunk))
        found.update(session.connection().execute(query).scalars())
    return found


def ledger_keys_with_prefix(session: Session, prefix: str) -> set[str]:
    """The ledger keys that start with `prefix`."""
    query = sa.select(col(LedgerRow.key)).where(col(LedgerRow.key).startswith(prefix))
    return set(session.connection().execute(query).scalars())


def insert_ledger(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append ledger rows (key, job, vendor_id, as_of, detail, created_at) in one statement."""
    insert_rows(session, LedgerRow.__table__, rows)  # type: ignore[attr-defined]


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all name the same columns. On PostgreSQL through COPY: psycopg's
    executemany sends and binds every row as a statement of its own, which was a third of
    `assess --all` there (some 90 rows per vendor); a multi-row INSERT cost more still."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(table), list(rows))
        return
    columns = list(rows[0])
    names = ", ".join(f'"{table.c[name].name}"' for name in columns)
    raw = connection.connection.driver_connection
    assert raw is not None  # noqa: S101 - a connection in a transaction
    with (
        raw.cursor() as cursor,
        cursor.copy(
            f'COPY "{table.name}" ({names}) FROM STDIN'  # names from our own table, not input
        ) as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in columns])


def active_finding_facts(
    session: Session, statuses: Sequence[str], horizon: dt.date | None = None
) -> list[tuple[Any, ...]]:
    """(id, vendor, control, severity, due, owner) of findings in these statuses (due on or
    before `horizon`, when given): columns only, for what is due across the register."""
    query = sa.select(
        col(FindingRow.id),
        col(FindingRow.vendor_id),
        col(FindingRow.control_id),
        col(FindingRow.severity),
        col(FindingRow.due),
        col(FindingRow.owner),
    ).where(col(FindingRow.status).in_(list(statuses)))
    if horizon is not None:
        query = query.where(col(FindingRow.due) <= horizon)
    return [tuple(row) for row in session.connection().execute(query)]


def latest_runs(session: Session) -> dict[str, tuple[int, dt.date, str, float]]:
    """Per vendor, its newest run: id, as_of, rating, score (one indexed query for all)."""
    newest = (
        sa.select(col(AuditRunRow.vendor_id), func.max(col(AuditRunRow.id)).label("run_id"))
        .group_by(col(AuditRunRow.vendor_id))
        .subquery()
    )
    query = sa.select(
        col(AuditRunRow.vendor_id),
        col(AuditRunRow.id),
        col(AuditRunRow.as_of),
        col(AuditRunRow.rating),
        col(AuditRunRow.score),
    ).join(newest, col(AuditRunRow.id) == newest.c.run_id)
    rows = session.connection().execute(query).all()
    return {v: (i or 0, a, r, s) for v, i, a, r, s in rows}  # a stored run always has an id


def vendor_listing(session: Session, tier: str | None = None) -> list[tuple[Any, ...]]:
    """One row per vendor with its stored tier and newest run, from indexed lookups only:
    (id, name, tier, tier_points, tier_reasons, since, last as_of, last rating, last score)."""
    newest = (
        sa.select(col(AuditRunRow.vendor_id), func.max(col(AuditRunRow.id)).label("run_id"))
        .group_by(col(AuditRunRow.vendor_id))
        .subquery()
    )
    query = (
        sa.select(
            col(VendorRow.id),
            col(VendorRow.name),
            col(VendorRow.tier),
            col(VendorRow.tier_points),
            col(VendorRow.tier_reasons),
            col(VendorRow.since),
            col(AuditRunRow.as_of),
            col(AuditRunRow.rating),
            col(AuditRunRow.score),
        )
        .outerjoin(newest, newest.c.vendor_id == col(VendorRow.id))
        .outerjoin(AuditRunRow, col(AuditRunRow.id) == newest.c.run_id)
        .order_by(col(VendorRow.id))
    )
    if tier is not None:
        query = query.where(col(VendorRow.tier) == tier)
    return [tuple(row) for row in session.connection().execute(query).all()]


def evidence_dates(
    session: Session, vendor_ids: Sequence[str] | None = None
) -> Sequence[sa.Row[Any]]:
    """The evidence of these vendors (of all when None) as the columns its validity needs (id,
    vendor_id, kind, file_name, issued, expires, period_end) and its stored window
    (valid_until, window_policy), by vendor: no ORM object for 250,000 rows."""
    query = sa.select(
        col(EvidenceRow.id),
        col(EvidenceRow.vendor_id),
        col(EvidenceRow.kind),
        col(EvidenceRow.file_name),
        col(EvidenceRow.issued),
        col(EvidenceRow.expires),
        col(EvidenceRow.period_end),
        col(EvidenceRow.period_start),
        col(EvidenceRow.audited),
        col(EvidenceRow.valid_until),
        col(EvidenceRow.window_policy),
    ).order_by(col(EvidenceRow.vendor_id), col(EvidenceRow.kind), col(EvidenceRow.id))
    if vendor_ids is not None:
        query = query.where(col(EvidenceRow.vendor_id).in_(list(vendor_ids)))
    return list(session.connection().execute(query))


def stale_window_vendors(session: Session, policy_sha256: str) -> list[str]:
    """Vendors with evidence whose stored window another policy computed (or none yet)."""
    query = (
        sa.select(col(EvidenceRow.vendor_id))
        .where(
            sa.or_(
                col(EvidenceRow.window_policy).is_(None),
                col(EvidenceRow.window_policy) != policy_sha256,
            )
        )
        .distinct()
    )
    return list(session.connection().execute(query).scalars())


def set_windows(session: Session, updates: Sequence[dict[str, Any]]) -> None:
    """Store recomputed windows in one statement (`evidence_id`, `valid_until`, `policy`)."""
    if updates:
        statement = (
            sa.update(EvidenceRow)
            .where(col(EvidenceRow.id) == sa.bindparam("evidence_id"))
            .values(valid_until=sa.bindparam("until"), window_policy=sa.bindparam("policy"))
        )
        session.connection().execute(statement, list(updates))


def expiring_evidence(session: Session, horizon: dt.date) -> Sequence[sa.Row[Any]]:
    """Per vendor and kind, the evidence current longest, when that ends on or before
    `horizon` (expired, or expiring): (id, vendor_id, kind, file_name, valid_until), the
    oldest such row where several end the same day. A kind with any evidence that does not
    expire is never due. On the stored windows: a range of the `valid_until` index, each
    candidate checked against its vendor's other documents of the kind."""
    return session.connection().execute(expiring_evidence_query(horizon)).all()


def expiring_evidence_query(horizon: dt.date) -> sa.Select[Any]:
    """The query `expiring_evidence` runs, for callers that count or page it."""
    other = sa.orm.aliased(EvidenceRow)
    ends: Any = col(EvidenceRow.valid_until)
    other_ends: Any = other.valid_until
    outlasts = sa.or_(
        other_ends.is_(None),
        other_ends > ends,
        sa.and_(other_ends == ends, col(other.id) < col(EvidenceRow.id)),
    )
    replaced = (
        sa.select(sa.literal(1))
        .where(
            col(other.vendor_id) == col(EvidenceRow.vendor_id),
            col(other.kind) == col(EvidenceRow.kind),
            col(other.id) != col(EvidenceRow.id),
            outlasts,
        )
        .exists()
    )
    query = sa.select(
        col(EvidenceRow.id),
        col(EvidenceRow.vendor_id),
        col(EvidenceRow.kind),
        col(EvidenceRow.file_name),
        ends,
    ).where(ends <= horizon, ~replaced)
    return query


def unanswered_questionnaires(session: Session) -> Sequence[sa.Row[Any]]:
    """(id, vendor_id, issued, due) of the vendor's-part questionnaires no final submission has
    answered (drafts do not count; the assessor's part is the client's own work, not chased)."""
    final = sa.select(col(SubmissionRow.questionnaire_id)).where(
        col(SubmissionRow.status) == "final"
    )
    query = sa.select(
        col(QuestionnaireRow.id),
        col(QuestionnaireRow.vendor_id),
        col(QuestionnaireRow.issued),
        col(QuestionnaireRow.due),
    ).where(col(QuestionnaireRow.part) == "vendor", col(QuestionnaireRow.id).not_in(final))
    return list(session.connection().execute(query))
