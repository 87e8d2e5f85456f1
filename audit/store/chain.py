"""The tamper-evident history: every submission (with its answers), audit run and finding event
is entered, as it is written, in one hash chain. An entry's hash covers what the row says and
the hash of the entry before it, so changing, deleting or inserting a row behind the tool's
back, or rewriting an entry, breaks the chain from that point; `audit history --verify` walks
it. The chain is in the same database, so someone who can write there could rebuild all of it:
the signed reports carry the chain's head at their time, which such a rebuild cannot match.

Appends take a lock for the chain's tip (an advisory lock on PostgreSQL; SQLite has one writer
at a time), so two processes never chain from the same entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from audit.store import bulk
from audit.store.tables import (
    AnswerRow,
    AuditRunRow,
    ChainRow,
    FindingEventRow,
    FindingRow,
    SubmissionRow,
)

GENESIS = "0" * 64
_LOCK = 0x61756469745F6368  # "audit_ch": the advisory lock of the chain's tip on PostgreSQL

_CHAIN: sa.Table = ChainRow.__table__  # type: ignore[attr-defined]
_RUN: sa.Table = AuditRunRow.__table__  # type: ignore[attr-defined]
_EVENT: sa.Table = FindingEventRow.__table__  # type: ignore[attr-defined]
_FINDING: sa.Table = FindingRow.__table__  # type: ignore[attr-defined]
_SUBMISSION: sa.Table = SubmissionRow.__table__  # type: ignore[attr-defined]
_ANSWER: sa.Table = AnswerRow.__table__  # type: ignore[attr-defined]

RUN, EVENT, SUBMISSION = "run", "finding_event", "submission"


def _stamp(value: dt.datetime | None) -> str | None:
    """A timestamp as both databases give it back: UTC, without a zone, to the microsecond."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_RUN_COLUMNS = sa.select(
    _RUN.c.id,
    _RUN.c.vendor_id,
    _RUN.c.as_of,
    _RUN.c.tier,
    _RUN.c.score,
    _RUN.c.rating,
    _RUN.c.band_rating,
    _RUN.c.sha256,
    _RUN.c.submission_id,
    _RUN.c.review_submission_id,
    _RUN.c.created_at,
)
_EVENT_COLUMNS = sa.select(
    _EVENT.c.id,
    _EVENT.c.finding_id,
    _FINDING.c.vendor_id,
    _FINDING.c.control_id,
    _EVENT.c.run_id,
    _EVENT.c.at,
    _EVENT.c.actor,
    _EVENT.c.action,
    _EVENT.c.from_status,
    _EVENT.c.to_status,
    _EVENT.c.note,
).select_from(_EVENT.outerjoin(_FINDING, _FINDING.c.id == _EVENT.c.finding_id))
_SUBMISSION_COLUMNS = sa.select(
    _SUBMISSION.c.id,
    _SUBMISSION.c.questionnaire_id,
    _SUBMISSION.c.vendor_id,
    _SUBMISSION.c.version,
    _SUBMISSION.c.sha256,
    _SUBMISSION.c.status,
    _SUBMISSION.c.completed_by,
    _SUBMISSION.c.imported_at,
)
_ANSWER_COLUMNS = sa.select(
    _ANSWER.c.submission_id,
    _ANSWER.c.control_id,
    _ANSWER.c.value,
    _ANSWER.c.comment,
    _ANSWER.c.evidence,
).order_by(_ANSWER.c.submission_id, _ANSWER.c.control_id)


def _run_text(row: Any) -> str:
    return _canonical(
        {
            "id": row.id,
            "vendor": row.vendor_id,
            "as_of": row.as_of.isoformat(),
            "tier": row.tier,
            "score": row.score,
            "rating": row.rating,
            "band_rating": row.band_rating,
            "result_sha256": row.sha256,  # the result (and its inputs) is checked against it
            "submission": row.submission_id,
            "review": row.review_submission_id,
            "created_at": _stamp(row.created_at),
        }
    )


_EVENT_TEXT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _event_text(row: Any) -> str:
    """An event's columns in a fixed order (a run writes dozens: a list, not sorted keys)."""
    return _EVENT_TEXT(
        [
            "event",
            row.id,
            row.finding_id,
            row.vendor_id,
            row.control_id,
            row.run_id,
            _stamp(row.at),
            row.actor,
            row.action,
            row.from_status,
            row.to_status,
            row.note,
        ]
    )


def _submission_text(row: Any, answers: Sequence[Any]) -> str:
    return _canonical(
        {
            "id": row.id,
            "questionnaire": row.questionnaire_id,
            "vendor": row.vendor_id,
            "version": row.version,
            "file_sha256": row.sha256,
            "status": row.status,
            "completed_by": row.completed_by,
            "imported_at": _stamp(row.imported_at),
            "answers": [[a.control_id, a.value, a.comment, a.evidence] for a in answers],
        }
    )


_ROWS: dict[str, tuple[Any, Any, Callable[[Any], str]]] = {
    RUN: (_RUN_COLUMNS, _RUN.c.id, _run_text),
    EVENT: (_EVENT_COLUMNS, _EVENT.c.id, _event_text),
}


def _texts(
    connection: sa.Connection, kind: str, ids: Sequence[int] | None
) -> Iterator[tuple[int, str]]:
    """(id, text to hash) of the rows of one kind: those named, or all of them."""
    if kind in _ROWS:
        statement, key, text = _ROWS[kind]
        statement = statement.order_by(key)
        if ids is not None:
            statement = statement.where(key.in_(ids))
        for row in connection.execute(statement):
            yield row.id, text(row)
    else:
        parts: Any = _SUBMISSION_COLUMNS.order_by(_SUBMISSION.c.id)
        answers = _ANSWER_COLUMNS
        if ids is not None:
            parts = parts.where(_SUBMISSION.c.id.in_(ids))
            answers = answers.where(_ANSWER.c.submission_id.in_(ids))
        by_submission: dict[int, list[Any]] = {}
        for answer in connection.execute(answers):
            by_submission.setdefault(answer.submission_id, []).append(answer)
        for part in connection.execute(parts):
            yield part.id, _submission_text(part, by_submission.get(part.id, []))


_TIP = sa.select(_CHAIN.c.sha256).order_by(_CHAIN.c.seq.desc()).limit(1)
# The events a run just wrote, found through their findings' index (built once: building the
# statement for each vendor cost more than running it).
_RUN_EVENTS = (
    sa.select(_EVENT.c.id, _EVENT.c.finding_id)
    .where(
        _EVENT.c.finding_id.in_(sa.bindparam("findings", expanding=True)),
        _EVENT.c.run_id == sa.bindparam("run_id"),
    )
    .order_by(_EVENT.c.id)
)


def _tip(connection: sa.Connection) -> str:
    return connection.execute(_TIP).scalar() or GENESIS


def _append(session: Session, items: Sequence[tuple[str, int, str]]) -> None:
    """Chain (kind, id, text) items after the tip, under the tip's lock, in one insert."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    tip = _tip(connection)
    entries = []
    for kind, ref, text in items:
        tip = _digest(tip + text)
        entries.append({"kind": kind, "ref_id": ref, "sha256": tip})
    bulk.insert_rows(session, _CHAIN, entries)


def record(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Enter these rows, as now stored, at the end of the chain (in the caller's transaction)."""
    wanted = sorted(set(ids))
    if wanted:
        texts = _texts(session.connection(), kind, wanted)
        _append(session, [(kind, ref, text) for ref, text in texts])


def record_run(
    session: Session, run_id: int, run: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> None:
    """Enter a run and the events it wrote (one per finding), hashed from the values just
    written: reading them back, timestamps and all, was most of the chain's cost. Only the
    events' ids are read, through their findings' index. `history --verify` hashes the rows as
    stored, so a value the database did not keep as written would show there."""
    items = [(RUN, run_id, _run_text(SimpleNamespace(id=run_id, **run)))]
    if events:
        by_finding = {event["finding_id"]: event for event in events}
        found = session.connection().execute(
            _RUN_EVENTS, {"findings": sorted(by_finding), "run_id": run_id}
        )
        for event_id, finding_id in found:
            row = SimpleNamespace(id=event_id, **by_finding[finding_id])
            items.append((EVENT, event_id, _event_text(row)))
    _append(session, items)


def record_all(connection: sa.Connection) -> int:
    """Chain every row not yet in the chain (a database from before it, at its upgrade), oldest
    first by kind; the number entered."""
    tip = _tip(connection)
    chained = {(k, r) for k, r in connection.execute(sa.select(_CHAIN.c.kind, _CHAIN.c.ref_id))}
    entries = []
    for kind in (SUBMISSION, RUN, EVENT):
        for ref, text in _texts(connection, kind, None):
            if (kind, ref) not in chained:
                tip = _digest(tip + text)
                entries.append({"kind": kind, "ref_id": ref, "sha256": tip})
    if entries:
        connection.execute(sa.insert(_CHAIN), entries)  # a migration's connection, no session
    return len(entries)


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    head: str
    problems: tuple[str, ...]


def head(session: Session) -> tuple[int, str]:
    """The number of entries and the hash of the newest."""
    connection = session.connection()
    count = connection.execute(sa.select(sa.func.count()).select_from(_CHAIN)).scalar_one()
    return int(count), _tip(connection)


_LABEL = {RUN: "run", EVENT: "finding event", SUBMISSION: "submission"}
MAX_PROBLEMS = 200


def verify(session: Session, anchors: Sequence[tuple[str, int, str]] = ()) -> ChainReport:
    """Walk the chain: every entry's hash from the row as stored now and the entry before it;
    every row entered once; nothing stored that the chain does not hold. Each anchor (where it
    was stated, the number of entries then, the head then), as a signed report states it, must
    still be the hash of that entry: a history rebuilt after the report cannot be."""
    connection = session.connection()
    texts = {kind: dict(_texts(connection, kind, None)) for kind in (SUBMISSION, RUN, EVENT)}
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    tip = GENESIS
    count = 0
    statement = sa.select(_CHAIN.c.seq, _CHAIN.c.kind, _CHAIN.c.ref_id, _CHAIN.c.sha256)
    for seq, kind, ref, recorded in connection.execute(statement.order_by(_CHAIN.c.seq)):
        count += 1
        label = f"{_LABEL.get(kind, kind)} #{ref}"
        text = texts.get(kind, {}).get(ref)
        if text is None:
            problems.append(f"entry {seq}: {label} is in the history but no longer stored")
        elif _digest(tip + text) != recorded:
            problems.append(f"entry {seq}: {label} was changed after it was recorded")
        seen.add((kind, ref))
        tip = recorded
    problems.extend(
        f"{_LABEL[kind]} #{ref} is stored but not in the history"
        for kind, rows in texts.items()
        for ref in rows
        if (kind, ref) not in seen
    )
    for source, entries, stated in anchors:
        found = (
            connection.execute(
                sa.select(_CHAIN.c.sha256).order_by(_CHAIN.c.seq).offset(entries - 1).limit(1)
            ).scalar()
            if entries > 0
            else GENESIS
        )
        if found != stated:
            problems.append(
                f"{source}: signed when the history had {entries} entries ending in "
                f"{stated[:16]}...; entry {entries} now ends in "
                f"{(found or 'nothing')[:16]}...: the history was rewritten since"
            )
    problems += _results_problems(connection) + _status_problems(connection)
    return ChainReport(count, tip, tuple(problems[:MAX_PROBLEMS]))


def _results_problems(connection: sa.Connection) -> list[str]:
    """Runs whose stored result no longer hashes to the hash the chain covers."""
    problems = []
    statement = sa.select(_RUN.c.id, _RUN.c.sha256, _RUN.c.result).order_by(_RUN.c.id)
    for run_id, recorded, result in connection.execution_options(yield_per=200).execute(statement):
        text = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if _digest(text) != recorded:
            problems.append(f"run #{run_id}: its stored result does not hash to its sha256")
    return problems


def _status_problems(connection: sa.Connection) -> list[str]:
    """Findings whose status is not the one their newest event set."""
    newest = (
        sa.select(_EVENT.c.to_status)
        .where(_EVENT.c.finding_id == _FINDING.c.id)
        .order_by(_EVENT.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = sa.select(_FINDING.c.id, _FINDING.c.status, newest).order_by(_FINDING.c.id)
    return [
        f"finding #{finding_id}: status {status} but its last recorded event set {last or 'none'}"
        for finding_id, status, last in connection.execute(statement)
        if status != last
    ]
