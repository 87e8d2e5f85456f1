"""Evidence rows: lookups by hash, the bulk insert of a submission's new documents, and the
paged, filtered listing on the stored windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from audit.store.tables import EvidenceRow


def by_hash(session: Session, vendor_id: str, sha256: str, kind: str) -> EvidenceRow | None:
    query = select(EvidenceRow).where(
        EvidenceRow.vendor_id == vendor_id, EvidenceRow.sha256 == sha256, EvidenceRow.kind == kind
    )
    return session.exec(query).first()


def keys(session: Session, vendor_id: str) -> dict[tuple[str, str], int]:
    """The vendor's evidence ids by (sha256, kind): what a new submission may already hold."""
    query = sa.select(col(EvidenceRow.sha256), col(EvidenceRow.kind), col(EvidenceRow.id)).where(
        col(EvidenceRow.vendor_id) == vendor_id
    )
    return {(sha, kind): i for sha, kind, i in session.execute(query)}


def insert(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert evidence rows in one statement; their ids in the order given."""
    if not rows:
        return []
    table = EvidenceRow.__table__  # type: ignore[attr-defined]
    statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.execute(statement, list(rows)).scalars()]


def set_limits(session: Session, limits: dict[int, list[str]]) -> int:
    """Give held documents the limits their newest declaration states (an empty list: no
    limit); returns how many changed."""
    if not limits:
        return 0
    rows = session.exec(select(EvidenceRow).where(col(EvidenceRow.id).in_(list(limits)))).all()
    changed = 0
    for row in rows:
        wanted = sorted(limits[row.id or 0])
        if sorted(row.controls or []) != wanted:
            row.controls = wanted
            session.add(row)
            changed += 1
    return changed


def _filters(vendor_id: str | None, until: dt.date | None) -> list[Any]:
    filters: list[Any] = []
    if vendor_id is not None:
        filters.append(col(EvidenceRow.vendor_id) == vendor_id)
    if until is not None:  # on the stored windows: evidence that stops being current by then
        filters += [
            col(EvidenceRow.valid_until).is_not(None),
            col(EvidenceRow.valid_until) <= until,
        ]
    return filters


def stored_copies(session: Session, vendor_id: str | None = None) -> list[tuple[Any, ...]]:
    """(id, vendor_id, file_name, sha256) of the evidence of one vendor or all, in order: what
    a rehash of the store needs, without loading 250,000 whole rows."""
    table: sa.Table = EvidenceRow.__table__  # type: ignore[attr-defined]
    query = sa.select(table.c.id, table.c.vendor_id, table.c.file_name, table.c.sha256)
    if vendor_id is not None:
        query = query.where(table.c.vendor_id == vendor_id)
    order = query.order_by(table.c.vendor_id, table.c.kind, table.c.id)
    return [tuple(row) for row in session.connection().execute(order)]


def listing(
    session: Session,
    vendor_id: str | None = None,
    *,
    until: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[EvidenceRow]:
    """Evidence by vendor, kind and id: of one vendor or all, only what stops being current
    by `until` when given, a page when `limit` is given."""
    query = (
        select(EvidenceRow)
        .where(*_filters(vendor_id, until))
        .order_by(col(EvidenceRow.vendor_id), col(EvidenceRow.kind), col(EvidenceRow.id))
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def count(session: Session, vendor_id: str | None = None, *, until: dt.date | None = None) -> int:
    query = sa.select(func.count()).select_from(EvidenceRow).where(*_filters(vendor_id, until))
    return int(session.execute(query).scalar_one())
