"""The scheduler's ledger: what each job did, recorded once under a key that names the action
exactly, so that a job run twice, or after a restart, or by two schedulers at once, repeats
nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from audit.services.database import reading, transaction
from audit.store import bulk
from audit.store.tables import LedgerRow, utcnow
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Action:
    job: str
    vendor_id: str | None
    key: str
    detail: str


def record_all(
    workspace: Workspace, entries: list[tuple[Action, dict[str, Any]]], as_of: dt.date
) -> list[Action]:
    """Record actions once, in one transaction; returns those recorded now (a key already
    there means another run did that action, so it is left out)."""
    if not entries:
        return []
    with transaction(workspace) as session:
        taken = bulk.ledger_keys_among(session, [a.key for a, _ in entries])
        fresh = [(a, d) for a, d in entries if a.key not in taken]
        now = utcnow()
        bulk.insert_ledger(
            session,
            [
                {
                    "key": action.key,
                    "job": action.job,
                    "vendor_id": action.vendor_id,
                    "as_of": as_of,
                    "detail": json.dumps({"summary": action.detail, **detail}, default=str),
                    "created_at": now,
                }
                for action, detail in fresh
            ],
        )
    return [a for a, _ in fresh]


def record(workspace: Workspace, action: Action, as_of: dt.date, detail: dict[str, Any]) -> bool:
    """Record an action once; False when its key was already there (another run did it)."""
    return bool(record_all(workspace, [(action, detail)], as_of))


def ledger(workspace: Workspace) -> list[LedgerRow]:
    with reading(workspace) as session:
        return list(session.exec(select(LedgerRow).order_by(col(LedgerRow.id))).all())
