"""Finding use cases: list, accept a risk, update status/owner; every change is an event."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from audit.errors import InputError, NotFoundError
from audit.findings import ACTIVE, SETTABLE, FindingStatus
from audit.inputs import address_problem, name_problem, text_problem
from audit.model import Severity
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.store import chain, queries
from audit.store.tables import FindingEventRow, FindingRow, utcnow
from audit.workspace import Workspace

UNRESOLVED = "unresolved"


@dataclass(frozen=True, slots=True)
class FindingView:
    finding: FindingRow
    overdue: bool


def list_findings(
    workspace: Workspace,
    *,
    vendor_id: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
    severity: str | None = None,
) -> tuple[list[FindingView], int]:
    """A page of findings (all when `limit` is None) and how many match in all."""
    as_of = as_of or dt.date.today()
    if status is not None and status not in {s.value for s in FindingStatus} | {UNRESOLVED}:
        known = ", ".join([*(s.value for s in FindingStatus), UNRESOLVED])
        raise InputError(f"unknown status '{status}' (one of: {known})")
    statuses: list[str] | None = [status] if status else None
    if status == UNRESOLVED:  # every finding not yet resolved, accepted risks included
        statuses = [s.value for s in FindingStatus if s is not FindingStatus.RESOLVED]
    if overdue:
        statuses = [s.value for s in ACTIVE] if statuses is None else statuses
    if severity is not None and severity not in {s.value for s in Severity}:
        known = ", ".join(s.value for s in Severity)
        raise InputError(f"unknown severity '{severity}' (one of: {known})")
    filters: dict[str, Any] = {
        "vendor_id": vendor_id,
        "statuses": statuses,
        "due_before": as_of if overdue else None,
        "severity": severity,
    }
    with reading(workspace) as session:
        if vendor_id is not None and queries.vendor(session, vendor_id) is None:
            raise NotFoundError(
                f"no vendor '{vendor_id}'", hint="`audit vendors list` shows vendors"
            )
        rows = queries.findings(session, **filters, limit=limit, offset=offset)
        total = len(rows) + offset if limit is None else queries.count_findings(session, **filters)
    views = [
        FindingView(row, FindingStatus(row.status) in ACTIVE and row.due < as_of) for row in rows
    ]
    return views, total


def finding_history(workspace: Workspace, finding_id: int) -> Sequence[FindingEventRow]:
    with reading(workspace) as session:
        return queries.events(session, [finding_id])


class ChangedMeanwhileError(InputError):
    """The finding changed after the person saw it (another officer, another machine): their
    change is refused, not laid over the other one."""


def stamp(row: FindingRow) -> str:
    """The version of a finding a form was filled against: its last change, to the
    microsecond, in UTC."""
    moment = row.updated_at
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def _load(
    session: Session, finding_id: int, expected: str | None = None, *, lock: bool = True
) -> FindingRow:
    """The finding, locked for this transaction (a second change waits for the first to
    commit); refused if it changed since `expected`, the version the person saw."""
    row = session.get(FindingRow, finding_id, with_for_update=lock)
    if row is None:
        raise NotFoundError(f"no finding #{finding_id}", hint="`audit findings list` shows them")
    if expected is None:
        return row
    # Compare and claim in one statement: SQLite has no row locks, and two processes may both
    # have read the same version; only one of them moves it on.
    claimed = session.connection().execute(
        sa.update(FindingRow)
        .where(col(FindingRow.id) == finding_id, col(FindingRow.updated_at) == row.updated_at)
        .values(updated_at=utcnow())
    )
    if stamp(row) != expected or claimed.rowcount != 1:  # the transaction rolls back
        last = queries.events(session, [finding_id])[-1:]
        who = f" by {last[0].actor} at {last[0].at:%Y-%m-%d %H:%M} UTC" if last else ""
        raise ChangedMeanwhileError(
            f"finding #{finding_id} was changed{who} after you opened it; nothing was saved",
            hint="reload the finding to see the change, then make yours again",
        )
    return row


def _check_texts(texts: dict[str, str | None], names: dict[str, str | None]) -> None:
    """Notes and reasons are free text, actors one line: refused, not stored, otherwise."""
    for option, value in texts.items():
        if value is not None and (problem := text_problem(value)) is not None:
            raise InputError(f"{option}: {problem}")
    for option, value in names.items():
        if value is not None and (problem := name_problem(value)) is not None:
            raise InputError(f"{option}: {problem}")


def accept_finding(
    workspace: Workspace,
    finding_id: int,
    *,
    until: dt.date,
    reason: str,
    approver: str,
    today: dt.date | None = None,
    expected: str | None = None,
) -> FindingRow:
    """Accept the risk of an open finding until a date; it re-opens when that date passes."""
    today = today or dt.date.today()
    if until <= today:
        raise InputError(f"--until {until} is not in the future")
    if not reason.strip() or not approver.strip():
        raise InputError("an acceptance needs a --reason and an --approver")
    _check_texts({"--reason": reason}, {"--approver": approver})
    with transaction(workspace) as session:
        row = _load(session, finding_id, expected)
        if row.status == FindingStatus.RESOLVED:
            raise InputError(f"finding #{finding_id} is resolved; there is no risk to accept")
        before = row.status
        row.status = FindingStatus.ACCEPTED.value
        row.accepted_until, row.accepted_reason, row.approver = until, reason, approver
        row.updated_at = utcnow()
        session.add(row)
        _add_event(
            session,
            FindingEventRow(
                finding_id=finding_id,
                actor=approver,
                action="accepted",
                from_status=before,
                to_status=row.status,
                note=f"until {until}: {reason}",
            ),
        )
    return row


def update_finding(
    workspace: Workspace,
    finding_id: int,
    *,
    actor: str,
    status: str | None = None,
    note: str | None = None,
    owner: str | None = None,
    expected: str | None = None,
) -> FindingRow:
    """Change a finding's status (open, in_progress, remediated) or owner, with a note."""
    if status is None and owner is None and not note:
        raise InputError("nothing to update: give --status, --owner or --note")
    _check_texts({"--note": note}, {"--by": actor})
    if owner is not None and (problem := address_problem(owner)) is not None:
        raise InputError(f"--owner: {problem}", hint="the owner is one e-mail address")
    allowed = {s.value for s in SETTABLE}
    if status is not None and status not in allowed:
        raise InputError(
            f"--status {status} cannot be set by hand (one of: {', '.join(sorted(allowed))})",
            hint="a finding is resolved by an audit run that finds the control met, "
            "and accepted with `audit findings accept`",
        )
    with transaction(workspace) as session:
        row = _load(session, finding_id, expected)
        if row.status == FindingStatus.RESOLVED and status is not None:
            raise InputError(f"finding #{finding_id} is resolved; a new run re-opens it if needed")
        before = row.status
        changes = []
        if status is not None and status != row.status:
            row.status = status
            changes.append(f"status {before} -> {status}")
        if owner is not None and owner != row.owner:
            changes.append(f"owner {row.owner or '-'} -> {owner}")
            row.owner = owner
        row.updated_at = utcnow()
        session.add(row)
        _add_event(
            session,
            FindingEventRow(
                finding_id=finding_id,
                actor=actor,
                action="updated",
                from_status=before,
                to_status=row.status,
                note="; ".join([*changes, *([note] if note else [])]),
            ),
        )
    return row


def _add_event(session: Session, event: FindingEventRow) -> None:
    """Store the event and enter it in the history chain, in the caller's transaction."""
    session.add(event)
    session.flush()
    assert event.id is not None  # noqa: S101 - flushed
    chain.record(session, chain.EVENT, [event.id])


@dataclass(frozen=True, slots=True)
class FindingDetail:
    """A finding as the person who must fix it needs it: what was asked, what was answered, why
    it is a finding, what to do, by when, and everything that happened to it."""

    finding: FindingRow
    vendor_name: str
    title: str
    question: str
    remediation: str
    answer: str | None  # in words (the option's label), from the run that last saw it
    comment: str | None
    explanation: str | None
    events: Sequence[FindingEventRow]


def finding_detail(workspace: Workspace, finding_id: int) -> FindingDetail:
    content = workspace_content(workspace)
    with reading(workspace) as session:
        row = _load(session, finding_id, lock=False)
        events = queries.events(session, [finding_id])
        run = queries.run(session, row.last_seen_run_id)
        vendor = queries.vendor(session, row.vendor_id)
    control = content.controls.get(row.control_id)
    result: dict[str, Any] = {}
    if run is not None:
        data = run.result if isinstance(run.result, dict) else json.loads(str(run.result))
        result = next((c for c in data.get("controls", []) if c.get("id") == row.control_id), {})
    answer = result.get("answer")
    words = None
    if answer is not None and control is not None:
        labels = {"yes": "Yes", "no": "No", "na": "Not applicable"}
        labels |= {o.value: o.label for o in control.answer.options}
        values = answer if isinstance(answer, list) else [answer]
        words = "; ".join(str(labels.get(v, v)) for v in values)
    return FindingDetail(
        row,
        vendor.name if vendor is not None else row.vendor_id,
        control.title if control else row.control_id,
        " ".join(control.question.split()) if control else "",
        " ".join(control.remediation.split()) if control and control.remediation else "",
        words if words is not None else (None if answer is None else str(answer)),
        result.get("comment"),
        result.get("explanation"),
        events,
    )
