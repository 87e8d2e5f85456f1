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
    for vendor_id, as_of, score, rating in session.execute(query):
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
    return [tuple(row) for row in session.execute(query)]


def findings_with_opening(session: Session, statuses: Sequence[str]) -> list[tuple[Any, ...]]:
    """Findings in the given statuses with the date of the run that opened them, in one query:
    (vendor, id, control, severity, status, due, owner, opened as_of, accepted_until)."""
    opened = sa.orm.aliased(AuditRunRow)
    opened_on: Any = opened.as_of
    query = (
        sa.select(
            col(FindingRow.vendor_id),
            col(FindingRow.id),
            col(FindingRow.control_id),
            col(FindingRow.severity),
            col(FindingRow.status),
            col(FindingRow.due),
            col(FindingRow.owner),
            opened_on,
            col(FindingRow.accepted_until),
        )
        .join(opened, col(opened.id) == col(FindingRow.opened_run_id))
        .where(col(FindingRow.status).in_(list(statuses)))
        .order_by(col(FindingRow.vendor_id), col(FindingRow.id))
    )
    return [tuple(row) for row in session.execute(query)]


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
    for vendor_id, part, submission_id in session.execute(query):
        latest[(vendor_id, part)] = submission_id  # later rows are newer
    return latest


def assessed_pairs(session: Session) -> set[tuple[int | None, int | None]]:
    """Every (vendor submission, assessor review) pair some run has scored."""
    query = sa.select(col(AuditRunRow.submission_id), col(AuditRunRow.review_submission_id))
    return {(a, b) for a, b in session.execute(query)}


def ledger_keys(session: Session) -> set[str]:
    """Every key the scheduler's ledger holds."""
    return set(session.execute(sa.select(col(LedgerRow.key))).scalars())


def ledger_keys_among(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these keys the ledger holds already (asked in chunks the database accepts)."""
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = list(keys[start : start + 900])
        query = sa.select(col(LedgerRow.key)).where(col(LedgerRow.key).in_(chunk))
        found.update(session.execute(query).scalars())
    return found


def active_finding_facts(session: Session, statuses: Sequence[str]) -> list[tuple[Any, ...]]:
    """(id, vendor, control, severity, due, owner) of findings in these statuses: columns only,
    for what is due across the register."""
    query = sa.select(
        col(FindingRow.id),
        col(FindingRow.vendor_id),
        col(FindingRow.control_id),
        col(FindingRow.severity),
        col(FindingRow.due),
        col(FindingRow.owner),
    ).where(col(FindingRow.status).in_(list(statuses)))
    return [tuple(row) for row in session.execute(query)]


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
    return {v: (i, a, r, s) for v, i, a, r, s in session.execute(query).all()}


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
    return [tuple(row) for row in session.execute(query).all()]
